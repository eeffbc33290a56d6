"""Assertions on the built HTML: the pages exist and show outputs computed by the build."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import autodiff_cookbook
import autodiff_cookbook.examples

from . import htmlutil

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


def _public_modules() -> dict[str, list[str]]:
    """Each public module of the package with the names its ``__all__`` exports.

    Submodules exported as names (``domains``, ``catalogue``) have pages of their own.
    """
    modules = {}
    names = [
        "autodiff_cookbook",
        "autodiff_cookbook.domains",
        "autodiff_cookbook.catalogue",
        *(
            f"autodiff_cookbook.examples.{info.name}"
            for info in pkgutil.iter_modules(autodiff_cookbook.examples.__path__)
            if not info.name.startswith("_")
        ),
    ]
    for name in names:
        module = importlib.import_module(name)
        modules[name] = [
            n
            for n in module.__all__
            if n != "__version__" and not inspect.ismodule(getattr(module, n))
        ]
    return modules


def test_api_page_lists_every_public_name(site: Path) -> None:
    text = _page(site, "api").get_text()
    modules = _public_modules()
    assert len(modules) >= 16
    public = [name for names in modules.values() for name in names]
    assert len(public) >= 70
    missing = [name for name in public if name not in text]
    assert not missing, f"public names missing from the API page: {missing}"


def test_every_public_name_is_documented_under_its_public_module(site: Path) -> None:
    # Each name is documented once, on the page of its public module (functions,
    # classes, and constants beside their `#:` comment), under the public path,
    # whatever private module defines it.
    undocumented = []
    for module, names in _public_modules().items():
        page = site / "generated" / f"{module}.html"
        assert page.is_file(), f"{module} has no API page"
        html = page.read_text(encoding="utf-8")
        undocumented += [
            f"{module}.{name}" for name in names if f'id="{module}.{name}"' not in html
        ]
    assert not undocumented, f"public names with no entry: {undocumented}"


def test_names_link_to_their_public_entry(site: Path) -> None:
    # Pages write `autodiff_cookbook.check_gradient`, defined in the private module
    # autodiff_cookbook._checks; docs/_ext/public_names.py resolves both to the
    # entry on the package's page.
    links = {a.get("href") for a in _page(site, "checking-gradients").find_all("a")}
    assert "generated/autodiff_cookbook.html#autodiff_cookbook.check_gradient" in links
    api_links = {a.get("href") for a in _page(site, "api").find_all("a")}
    assert (
        "generated/autodiff_cookbook.examples.gradients.html"
        "#autodiff_cookbook.examples.gradients.double"
    ) in api_links
    # A type hint naming a private path (check_gradient returns
    # autodiff_cookbook._result.CheckResult) links to the public entry.
    package = BeautifulSoup(
        (site / "generated" / "autodiff_cookbook.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    entry = package.find(id="autodiff_cookbook.check_gradient")
    assert entry is not None
    hrefs = {a.get("href") or "" for a in entry.find_parent("dl").find_all("a")}
    assert "#autodiff_cookbook.CheckResult" in hrefs
    # No cross-reference names a private path ([source] links lead to the code).
    references = [h for h in hrefs if "_modules/" not in h]
    assert not [h for h in references if "._result" in h or "._checks" in h]


def test_math_renders_offline(site: Path) -> None:
    soup = _page(site, "gradients")
    scripts = [s.get("src", "").split("?")[0] for s in soup.find_all("script")]
    assert any(src.endswith("mathjax/tex-chtml.js") for src in scripts), scripts
    assert not any("cdn" in src for src in scripts if "mathjax" in src)
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_index_groups_the_pages_and_links_jax_s_own_cookbook(site: Path) -> None:
    soup = _page(site, "index")
    captions = [c.get_text(strip=True) for c in soup.select("p.caption, .caption-text")]
    for group in ("Learn", "Beyond grad", "Checking derivatives", "Mathematics"):
        assert group in captions, f"the sidebar has no group {group!r}: {captions}"
    hrefs = {a.get("href", "") for a in soup.find_all("a")}
    assert any(
        h.startswith("https://docs.jax.dev/") and "autodiff_cookbook" in h
        for h in hrefs
    )
    text = " ".join(soup.get_text().replace("\u2019", "'").split())
    assert "How it differs from JAX's own Autodiff Cookbook" in text


def test_every_executed_page_opens_with_what_you_will_learn_and_ends_with_why_it_matters(
    site: Path,
) -> None:
    # The page rule, on the built HTML of every executed page: glue resolved too.
    pages = htmlutil.notebook_pages(site)
    assert len(pages) >= 25
    for path in pages:
        soup = htmlutil.soup(path)
        assert "What you will learn." in soup.get_text(), path.name
        headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
        assert headings[-1] == "Why it matters", (path.name, headings)
        prose = htmlutil.prose(soup)
        assert "{glue" not in prose, path.name
        assert "glue:text" not in prose, path.name
