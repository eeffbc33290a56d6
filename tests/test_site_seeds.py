"""The seed notebooks' printed outputs, and the pages built from them, in the built HTML.

Every output the seed notebooks printed must appear on the site, produced by the
build: the pages *Gradients with jax.grad*, *Gradients of pytrees*,
*Jacobians*, *Hessians and beyond* and *Seeing the computation graph*.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

pytestmark = pytest.mark.site

SEED_PAGES = ("pytrees", "jacobians", "hessians", "computation-graph")


def _page(site: Path, name: str) -> BeautifulSoup:
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _outputs(soup: BeautifulSoup) -> str:
    """The text of every executed cell output on a page, one after the other."""
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def _number(pattern: str, text: str) -> float:
    """The number captured by the first group of ``pattern`` in ``text``."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found"
    return float(match.group(1))


def _prose(soup: BeautifulSoup) -> str:
    """The page's text with whitespace normalised (glued numbers included)."""
    main = soup.select_one("main") or soup
    text = main.get_text().replace("\u2019", "'")  # Sphinx's smart apostrophes
    return " ".join(text.split())


# -- seed 000: grad ------------------------------------------------------------


def test_seed_grad_outputs(site: Path) -> None:
    outputs = _outputs(_page(site, "gradients"))
    assert re.search(r"^2\.0$", outputs, re.MULTILINE)
    assert re.search(r"^205\.0$", outputs, re.MULTILINE)
    assert re.search(r"^17\.0$", outputs, re.MULTILINE)
    assert re.search(
        r"Gradient only defined for scalar-output functions\.\s*Output had shape: \(3,\)",
        outputs,
    )
    # The seed printed [  0.  200.  0.  0.  17.280003]: the same to printed precision.
    match = re.search(r"\[\s*0\.\s+200\.\s+0\.\s+0\.\s+(17\.28\d*)\s*\]", outputs)
    assert match, "the relu_chain gradient [0, 200, 0, 0, 17.28] is not on the page"
    assert float(match.group(1)) == pytest.approx(17.28, abs=5e-5)


# -- seed 000: weights as list and as dictionary -------------------------------


def test_seed_dict_gradient_shapes(site: Path) -> None:
    outputs = _outputs(_page(site, "pytrees"))
    for name, shape in (
        ("layer_0", r"\(28, 16\)"),
        ("layer_1", r"\(16, 16\)"),
        ("layer_2", r"\(16, 10\)"),
    ):
        # Printed in the seed's format, f"{k}:\t{w.shape}", for the buggy and the fixed loss.
        assert len(re.findall(rf"^{name}:\s+{shape}$", outputs, re.MULTILINE)) >= 2, (
            name
        )


def test_pytrees_page_shows_the_zero_gradient_bug_and_the_fix(site: Path) -> None:
    soup = _page(site, "pytrees")
    outputs = _outputs(soup)
    for name in ("layer_0", "layer_1", "layer_2"):
        assert f"{name}: largest |gradient| = 0.0" in outputs
        fixed = re.search(
            rf"{name}: shape \(\d+, \d+\), largest \|gradient\| (\d+\.\d+)", outputs
        )
        assert fixed, name
        assert float(fixed.group(1)) > 0
    assert "layer_1 == first 16 rows of layer_0: True" in outputs
    assert "input x == first 224 numbers of layer_0: True" in outputs
    assert "layer_1 == first 16 rows of layer_0: False" in outputs
    assert "dict gradient == list gradient: True" in outputs
    prose = _prose(soup)
    assert "Every component is exactly 0.0." in prose
    before, after = (
        float(v) for v in re.findall(r"loss (?:before|after):\s+(-?\d+\.\d+)", outputs)
    )
    assert after < before
    assert f"lowers the loss from {before:.4f} to {after:.4f}" in prose


def test_pytrees_page_checks_the_gradient_against_differences(site: Path) -> None:
    outputs = _outputs(_page(site, "pytrees"))
    autodiff = _number(r"autodiff:\s+(-?\d+\.\d+)", outputs)
    differences = _number(r"differences:\s+(-?\d+\.\d+)", outputs)
    assert autodiff == pytest.approx(differences, rel=1e-6)


# -- seed 000: Jacobian and Hessian ---------------------------------------------


def test_seed_jacobian_shape(site: Path) -> None:
    outputs = _outputs(_page(site, "jacobians"))
    assert "(10, 5) (10, 5)" in outputs
    assert "jacfwd == jacrev: True" in outputs
    assert re.search(r"jacfwd == W\.T:\s+True", outputs)
    assert re.search(r"jacrev == W\.T:\s+True", outputs)
    # The printed matrix: ten rows of five numbers.
    row = re.compile(r"\s*\[{1,2}\s*(?:-?\d+\.\d*\s*){5}\]{1,2}")
    assert sum(1 for line in outputs.splitlines() if row.fullmatch(line)) == 10


def test_jacobians_page_links_the_measured_comparison(site: Path) -> None:
    soup = _page(site, "jacobians")
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert "forward-vs-reverse.html" in links
    assert "The seed's map has 5 inputs and 10 outputs" in _prose(soup)


def test_seed_hessian_shape_and_zeros(site: Path) -> None:
    soup = _page(site, "hessians")
    outputs = _outputs(soup)
    assert re.search(r"^\(10, 5, 5\)$", outputs, re.MULTILINE)
    assert "largest |entry|: 0.0" in outputs
    assert "[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]" in outputs  # ten zero Laplacians
    assert "jax.hessian == hand-derived: True" in outputs
    assert "every entry is 0.0" in _prose(soup)


def test_hessians_page_compares_hutchinson_with_the_exact_laplacian(site: Path) -> None:
    soup = _page(site, "hessians")
    outputs = _outputs(soup)
    exact = _number(r"exact:\s+(\d+\.\d+)", outputs)
    estimate = _number(r"estimate:\s+(\d+\.\d+)", outputs)
    error = _number(r"standard error \(samples\):\s+(\d+\.\d+)", outputs)
    assert abs(estimate - exact) < 4 * error
    trace = _number(r"Laplacian \(trace of jax.hessian\): (\d+\.\d+)", outputs)
    assert trace == pytest.approx(exact, abs=0.01)
    quoted = _number(r"against the exact (\d+\.\d)", _prose(soup))
    assert quoted == pytest.approx(exact, abs=0.06)
    assert _number(r"relative error:\s+(\d\.\de-\d+)", outputs) < 1e-2


def test_hessian_heatmap_and_convergence_plot_are_images(site: Path) -> None:
    soup = _page(site, "hessians")
    hidden = soup.select("div.cell.tag_hide-input")
    assert len(hidden) == 2
    for cell in hidden:
        assert cell.select("div.cell_output img"), "a plot cell produced no image"


# -- seed 004: the computation graph --------------------------------------------


def _inline_svgs(soup: BeautifulSoup) -> list[Tag]:
    return [svg for svg in soup.select("div.cell_output svg") if isinstance(svg, Tag)]


def _points(value: str) -> float:
    return float(value.removesuffix("pt"))


def test_computation_graph_page_embeds_three_sized_graphs(site: Path) -> None:
    soup = _page(site, "computation-graph")
    svgs = _inline_svgs(soup)
    assert len(svgs) == 3  # jaxpr of f, jaxpr of grad, HLO of f
    for svg in svgs:
        assert _points(str(svg["width"])) > 100
        assert _points(str(svg["height"])) > 100
        assert "max-width: 100%" in str(svg.get("style"))
        assert "f32[1337]" in svg.get_text()
    jaxpr_f, jaxpr_grad, hlo = svgs
    assert "#fed7aa" not in str(jaxpr_f)
    assert str(jaxpr_grad).count('fill="#fed7aa"') == 5  # the five backward equations
    assert "sine" in hlo.get_text()
    assert "ROOT" in hlo.get_text()


def test_computation_graph_page_shows_what_replaced_xla_computation(site: Path) -> None:
    soup = _page(site, "computation-graph")
    outputs = _outputs(soup)
    failing = soup.select("div.cell.tag_raises-exception")
    assert len(failing) == 1
    assert "has no attribute 'xla_computation'" in failing[0].get_text()
    assert "stablehlo.sine" in outputs
    assert re.search(r"integer_pow\[y=2\]", outputs)
    assert "fusion(" in outputs
    assert re.search(r"reduce in the compiled gradient:\s+False", outputs)
    prose = _prose(soup)
    assert "14 equations instead of 6" in prose


def test_seed_pages_carry_no_local_paths_or_network_fonts(site: Path) -> None:
    for name in SEED_PAGES:
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        assert "googleapis" not in html, name
        assert "/work/" not in html, name
        assert "ipykernel_" not in html, name


def test_seed_pages_are_in_the_navigation(site: Path) -> None:
    soup = _page(site, "index")
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {f"{name}.html" for name in SEED_PAGES} <= links


@pytest.mark.parametrize("name", SEED_PAGES)
def test_seed_pages_open_with_what_you_will_learn_and_end_with_why_it_matters(
    site: Path, name: str
) -> None:
    soup = _page(site, name)
    assert _prose(soup).count("What you will learn.") == 1
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("main h2")]
    assert headings[-1] == "Why it matters", headings
