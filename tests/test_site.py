"""Assertions on the built HTML: the pages exist and show outputs computed by the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import autodiff_cookbook

pytestmark = pytest.mark.site


def _page(site: Path, name: str) -> BeautifulSoup:
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _outputs(soup: BeautifulSoup) -> list[str]:
    """The text of every executed cell output on a page."""
    return [div.get_text() for div in soup.select("div.cell_output")]


def test_index_links_every_page(site: Path) -> None:
    soup = _page(site, "index")
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {"gradients.html", "api.html"} <= links


def test_grad_page_shows_outputs_computed_by_the_build(site: Path) -> None:
    outputs = _outputs(_page(site, "gradients"))
    joined = "\n".join(outputs)
    assert "2.0" in outputs[0]
    assert re.search(r"^205\.0$", joined, re.MULTILINE)
    assert re.search(r"^17\.0$", joined, re.MULTILINE)
    assert "Gradient only defined for scalar-output functions" in joined
    assert "(3,)" in joined
    assert re.search(r"\[\s*0\.\s+200\.\s+0\.\s+0\.\s+17\.28", joined)


def test_grad_page_quotes_glued_numbers(site: Path) -> None:
    text = _page(site, "gradients").get_text()
    assert "jax.grad(quadratic)(100.0) is 205.0" in " ".join(text.split())


def test_grad_page_error_is_shown_on_purpose(site: Path) -> None:
    soup = _page(site, "gradients")
    tagged = soup.select("div.cell.tag_raises-exception")
    assert len(tagged) == 1
    assert "TypeError" in tagged[0].get_text()


def test_api_page_lists_every_public_name(site: Path) -> None:
    text = _page(site, "api").get_text()
    public = [name for name in autodiff_cookbook.__all__ if name != "__version__"]
    missing = [name for name in public if name not in text]
    assert not missing, f"public names missing from the API page: {missing}"
    module_pages = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (site / "generated").glob("autodiff_cookbook.*.html")
    )
    # Each name is documented once, on the page of the module that defines it
    # (functions, classes, and constants beside their `#:` comment); the
    # submodules exported as names have pages of their own.
    undocumented = [
        name
        for name in public
        if not re.search(
            rf'id="(autodiff_cookbook\.\w+\.|module-autodiff_cookbook\.){name}"',
            module_pages,
        )
    ]
    assert not undocumented, (
        f"public names with no entry on a module page: {undocumented}"
    )


def test_short_names_link_to_their_module_page(site: Path) -> None:
    # Pages write `autodiff_cookbook.check_gradient`; it is documented as
    # `autodiff_cookbook.checks.check_gradient`, and conf.py resolves one to the other.
    links = {a.get("href") for a in _page(site, "checking-gradients").find_all("a")}
    want = "generated/autodiff_cookbook.checks.html#autodiff_cookbook.checks.check_gradient"
    assert want in links
    api_links = {a.get("href") for a in _page(site, "api").find_all("a")}
    assert (
        "generated/autodiff_cookbook.basics.html#autodiff_cookbook.basics.double"
        in api_links
    )


def test_math_renders_offline(site: Path) -> None:
    soup = _page(site, "gradients")
    scripts = [s.get("src", "").split("?")[0] for s in soup.find_all("script")]
    assert any(src.endswith("mathjax/tex-chtml.js") for src in scripts), scripts
    assert not any("cdn" in src for src in scripts if "mathjax" in src)
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
