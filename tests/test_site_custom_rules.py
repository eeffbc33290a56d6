"""Assertions on the built page *Custom derivative rules*: static arguments, pytrees,
closure_convert, forward mode on a custom_vjp, and every rule checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

PAGE = "custom-rules"


def _page(site: Path) -> BeautifulSoup:
    path = site / f"{PAGE}.html"
    assert path.is_file(), f"{PAGE}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _outputs(soup: BeautifulSoup) -> str:
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text().split()).replace("\u2019", "'")


def _mode_lines(out: str, after: str) -> list[tuple[str, str, str]]:
    """The (mode, order, status) lines printed by ``report`` right after ``after``."""
    start = out.index(after) + len(after)
    lines = []
    for line in out[start:].splitlines()[1:]:
        match = re.match(r"^  (fwd|rev) order (\d): (ok=\w+|not applicable)", line)
        if not match:
            break
        lines.append(match.groups())
    return lines


def test_the_errors_are_shown_in_order(site: Path) -> None:
    cells = [c.get_text() for c in _page(site).select("div.cell.tag_raises-exception")]
    assert len(cells) == 4
    assert "UnexpectedTracerError" in cells[0]
    assert "nondiff_argnums" in cells[0]
    assert "clip_gradient_norm(p, max_norm)" in cells[0]
    assert "UnexpectedTracerError" in cells[1]
    assert "integrate_closed(" in cells[1]
    for cell, call in zip(
        cells[2:], ("jax.jvp(energy", "jax.hessian(energy)"), strict=True
    ):
        assert call in cell
        assert (
            "can't apply forward-mode autodiff (jvp) to a custom_vjp function" in cell
        )


def test_every_rule_is_checked_by_both_checkers(site: Path) -> None:
    out = _outputs(_page(site))
    assert _mode_lines(out, "('_softplus (custom_jvp)',) True") == [
        ("fwd", "1", "ok=True"),
        ("rev", "1", "ok=True"),
        ("fwd", "2", "ok=True"),
        ("rev", "2", "ok=True"),
    ]
    assert _mode_lines(out, "('_to_polar (custom_jvp)',) True") == [
        ("fwd", "1", "ok=True"),
        ("rev", "1", "ok=True"),
    ]
    assert _mode_lines(out, "('_integrate_closed (custom_vjp)',) True") == [
        ("fwd", "1", "not applicable"),
        ("rev", "1", "ok=True"),
        ("fwd", "2", "not applicable"),
        ("rev", "2", "ok=True"),
    ]
    # softplus, clip_gradient (deliberately not the derivative), to_polar, integrate
    assert re.findall(r"^check_autodiff: (\w+)", out, re.MULTILINE) == [
        "True",
        "False",
        "True",
        "True",
    ]
    assert "check_autodiff near the fit: True" in out


def test_deliberate_rules_fail_in_reverse_mode_only_where_they_change_the_gradient(
    site: Path,
) -> None:
    out = _outputs(_page(site))
    assert re.search(
        r"^rev mode, order 1, is wrong: jax\.vjp with the rules against without them",
        out,
        re.MULTILINE,
    )
    assert re.search(
        r"near the fit: +the custom rules match the code they replace", out
    )
    assert re.search(r"far from it: +rev mode, order 1, is wrong", out)
    assert "clipped gradient norm: 1.000" in out
    assert "cosine between them:   1.000000" in out


def test_closure_convert_gives_the_leibniz_derivative(site: Path) -> None:
    out = _outputs(_page(site))
    gradient = re.search(r"gradient \(d/d omega, d/d gamma, d/d T\): \[(.*?)\]", out)
    at_t = re.search(r"integrand at T: +(\S+)", out)
    assert gradient
    assert at_t
    d_t = float(gradient.group(1).split()[-1])
    assert d_t == pytest.approx(float(at_t.group(1)), rel=1e-5)


def test_reverse_over_reverse_gives_the_hessian(site: Path) -> None:
    soup = _page(site)
    out = _outputs(soup)
    assert "symmetric: True" in out
    gap = re.search(
        r"largest difference from jax\.hessian of the quadrature: (\S+)", out
    )
    assert gap
    assert float(gap.group(1)) < 1e-5
    blocks = soup.select("div.highlight-python pre, div.highlight-ipython3 pre")
    code = "\n".join(pre.get_text() for pre in blocks)
    assert "jax.jacrev(jax.jacrev(energy))" in code
    assert "nondiff_argnums=(1,)" in code
    assert "jax.closure_convert(f, a)" in code


def test_why_it_matters_is_last_and_links_the_related_pages(site: Path) -> None:
    soup = _page(site)
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert headings[-1] == "Why it matters"
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {
        "checking-derivative-rules.html",
        "implicit-differentiation.html",
        "checkpointing.html",
        "hessian-vector-products.html",
    } <= links
