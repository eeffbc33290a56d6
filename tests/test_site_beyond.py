"""Assertions on the built "Beyond grad" pages: executed outputs, checks, measured plots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

# In reading order (JVPs/VJPs and Hessian-vector products are in the Learn group).
PAGES = [
    "jvp-vjp",
    "hessian-vector-products",
    "forward-vs-reverse",
    "per-example-gradients",
    "stop-gradient",
    "custom-rules",
    "complex",
    "pitfalls",
]
# How a device label reads, e.g. "1 CPU device (cpu), JAX 0.10.2".
DEVICE = re.compile(r"\d+ [A-Z]+ devices? \([^)]*\), JAX \d+\.\d+")


def _page(site: Path, name: str) -> BeautifulSoup:
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _outputs(soup: BeautifulSoup) -> str:
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def _prose(soup: BeautifulSoup) -> str:
    """The page's text outside code cells, with whitespace normalised."""
    main = soup.select_one("article") or soup
    for cell in main.select("div.cell"):
        cell.decompose()
    return " ".join(main.get_text().split())


def _checks(soup: BeautifulSoup, status: str) -> int:
    return len(soup.select(f"table.autodiff-check-{status}"))


def test_index_lists_the_pages_under_beyond_grad(site: Path) -> None:
    soup = _page(site, "index")
    captions = [c.get_text(strip=True) for c in soup.select("p.caption, .caption-text")]
    assert "Beyond grad" in captions
    links = [a["href"].split("#")[0] for a in soup.select("a.reference.internal")]
    positions = [links.index(f"{name}.html") for name in PAGES]
    assert positions == sorted(positions), "the pages should appear in reading order"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_with_what_you_will_learn_and_ends_with_why_it_matters(
    site: Path, name: str
) -> None:
    soup = _page(site, name)
    text = soup.get_text()
    assert "What you will learn." in text
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert headings[-1] == "Why it matters", headings


@pytest.mark.parametrize("name", PAGES)
def test_every_glue_reference_was_filled_in(site: Path, name: str) -> None:
    prose = _prose(_page(site, name))
    assert "{glue" not in prose
    assert "glue:text" not in prose


def test_jvp_vjp_page_rebuilds_jacobians_and_checks_them(site: Path) -> None:
    soup = _page(site, "jvp-vjp")
    out = _outputs(soup)
    assert "rebuilt jacfwd == jax.jacfwd: True" in out
    assert "rebuilt jacrev == jax.jacrev: True" in out
    assert out.count("ok=True") == 3
    assert "J M matches: True (2, 5)" in out
    assert "U J matches: True (4, 3)" in out
    assert "linear in its argument:        True" in out
    sums = re.findall(
        r"^(?:1\^T J by one VJP|grad of the sum of outputs): +(\[.*\])$",
        out,
        re.MULTILINE,
    )
    assert len(sums) == 2
    assert sums[0] == sums[1]


def test_forward_vs_reverse_page_measures_and_labels_its_plot(site: Path) -> None:
    soup = _page(site, "forward-vs-reverse")
    out = _outputs(soup)
    assert DEVICE.search(out), "the measurements should name the device"
    rows = re.findall(r"^ +(\d+)(?: +[\d.]+ µs){3}$", out, re.MULTILINE)
    assert len(rows) == 8, "two sweeps of four sizes, three methods each"
    assert "formula matches autodiff, and autodiff matches finite differences" in out
    measured = soup.select("div.cell.tag_measured")
    assert len(measured) == 3
    assert sum(len(c.select("img")) for c in measured) == 1
    prose = _prose(_page(site, "forward-vs-reverse"))
    assert re.search(r"These are this build[\u2019']s measurements, on", prose)
    assert DEVICE.search(prose)
    assert re.search(r"With m = 16 fixed, `?jacrev`? (was|was not) faster", prose)
    assert re.search(r"With n = 16 fixed, `?jacfwd`? (was|was not) faster", prose)


def test_forward_vs_reverse_errors_are_quoted_from_the_build(site: Path) -> None:
    prose = _prose(_page(site, "forward-vs-reverse"))
    ad = re.search(r"largest relative error (\S+)\)", prose)
    fd = re.search(r"central differences, .*? are off by (\S+), many times more", prose)
    assert ad, prose[:2000]
    assert fd, prose[:2000]
    assert float(ad.group(1)) < 1e-5 < float(fd.group(1).rstrip(".,"))


def test_hvp_page_checks_times_and_uses_hvps_in_newton(site: Path) -> None:
    soup = _page(site, "hessian-vector-products")
    out = _outputs(soup)
    assert (
        out.count("formula matches autodiff, and autodiff matches finite differences")
        == 2
    )
    errors = re.findall(r"largest error relative to max \|Hv\|: (\S+)", out)
    assert len(errors) == 4
    assert all(float(e) < 1e-5 for e in errors)
    assert DEVICE.search(out)
    assert len(soup.select("div.cell.tag_measured img")) == 1
    rows = re.findall(r"^ +(\d+)(?: +(?:[\d.]+|-)){4}$", out, re.MULTILINE)
    assert [int(r) for r in rows] == [256, 1024, 4096, 32768, 262144]
    newton = [float(v) for v in re.findall(r"step \d: f = (\S+),", out)]
    assert len(newton) == 4
    assert newton[-1] < 1e-6 * newton[0]
    prose = _prose(soup)
    assert "At n = 262144 the three compositions ranked" in prose


def test_per_example_page_checks_fits_and_compares_with_a_loop(site: Path) -> None:
    soup = _page(site, "per-example-gradients")
    out = _outputs(soup)
    assert _checks(soup, "passed") == 1
    assert "matches the closed form:       True" in out
    assert "matches a Python loop (first 5): True" in out
    assert "mean equals the batch gradient:  True" in out
    assert re.search(
        r"largest per-example norm: [\d.]+ before, 1\.000 after clipping", out
    )
    assert len(soup.select("img")) == 2
    prose = _prose(soup)
    assert re.search(r"the Python loop (took|was faster)", prose)
    assert DEVICE.search(prose)


def test_stop_gradient_page_recovers_the_true_values_only_with_td(site: Path) -> None:
    out = _outputs(_page(site, "stop-gradient"))
    true = re.search(r"^true values: +(\[.*\])$", out, re.MULTILINE)
    td = re.search(r"^TD \(stop_gradient\): (\[.*\])$", out, re.MULTILINE)
    full = re.search(r"^full gradient: +(\[.*\])$", out, re.MULTILINE)
    assert true
    assert td
    assert full
    assert td.group(1) == true.group(1) == "[+0.167, +0.333, +0.500, +0.667, +0.833]"
    assert full.group(1) != true.group(1)
    assert "formula and autodiff agree but finite differences disagree" in out
    assert "formula matches autodiff (finite differences not run)" in out
    assert "d/dθ θ·sg(θ) = 3.0" in out
    assert "derivative everywhere: [1.]" in out
    assert re.search(
        r"straight-through +s = [\d.]+, rounded outputs \[1\. 2\. 3\.\], loss 0\.0", out
    )


def test_custom_rules_page_shows_the_nan_then_the_verified_fix(site: Path) -> None:
    soup = _page(site, "custom-rules")
    out = _outputs(soup)
    naive = re.search(r"^derivative: +\[(.*?)\]", out, re.MULTILINE | re.DOTALL)
    assert naive
    assert "nan" in naive.group(1)
    assert _checks(soup, "failed") == 1, "the naive softplus must fail its check"
    assert _checks(soup, "passed") == 2, (
        "the stable softplus and the clipping rule pass"
    )
    assert "largest |softplus' - sigmoid| on [-200, 200]: 0.0" in out
    assert "autodiff looks wrong here" in out
    assert "forward unchanged: True" in out
    assert re.search(
        r"cotangent out: +\[-1\. +-1\. +-0\.5 +0\. +0\.5 +1\. +1\. ?\]", out
    )
    code = "\n".join(pre.get_text() for pre in soup.select("div.highlight-python pre"))
    assert "@jax.custom_jvp" in code
    assert "defjvp" in code
    assert "@jax.custom_vjp" in code
    assert "defvjp" in code


def test_complex_page_verifies_the_convention(site: Path) -> None:
    soup = _page(site, "complex")
    out = _outputs(soup)
    tagged = soup.select("div.cell.tag_raises-exception")
    assert len(tagged) == 1
    assert "holomorphic=True" in tagged[0].get_text()
    assert "Cauchy-Riemann: u_x - v_y = 0.0e+00, u_y + v_x = 0.0e+00" in out
    assert out.count("-6.00000000-4.00000000j") == 4
    pairs = re.findall(
        r"cotangent +\S+: (\S+) +predicted A c \+ conj\(B c\): (\S+)", out
    )
    assert len(pairs) == 4
    assert all(a == b for a, b in pairs)
    assert len(soup.select("img")) == 1


def test_pitfalls_page_runs_each_mistake_then_its_fix(site: Path) -> None:
    soup = _page(site, "pitfalls")
    out = _outputs(soup)
    errors = [c.get_text() for c in soup.select("div.cell.tag_raises-exception")]
    expected = ["TypeError", "FloatingPointError", "KeyReuseError", "AssertionError"]
    assert len(errors) == len(expected)
    for text, name in zip(errors, expected, strict=True):
        assert name in text
    assert "gradient at 0: nan" in out
    assert re.search(r"its gradient: +\[0\. +0\. +2\. +0\.5\]", out)
    assert "spread across trials: 0.0000" in out
    assert "safe_norm gradient at 0:     [0. 0. 0.]" in out
    assert re.search(r"buggy: the formula is wrong", out)
    assert "fixed: formula matches autodiff" in out
    assert "log det:  nan" in out
    assert "gradient equals inv(big).T: True" in out
    assert re.search(r"big *: det = -?inf", out)
    assert _checks(soup, "passed") == 1
    assert len(soup.select("img")) == 1
