"""Assertions on the built page "Sparse Jacobians and Hessians by colouring"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import htmlutil

pytestmark = pytest.mark.site

PAGE = "sparse-jacobians"


def test_the_page_links_the_pages_it_builds_on(site: Path) -> None:
    # Its structure and glue: test_site.py, for every executed page.
    soup = htmlutil.page(site, PAGE)
    links = {str(a["href"]).split("#")[0] for a in soup.select("a.reference.internal")}
    assert {
        "jvp-vjp.html",
        "jacobians.html",
        "hessian-vector-products.html",
        "forward-vs-reverse.html",
    } <= links
    external = {a["href"] for a in soup.select("a.reference.external")}
    assert "https://github.com/jax-ml/jax/issues/1032" in external


def test_the_tridiagonal_colouring_and_its_seed_matrix(site: Path) -> None:
    out = htmlutil.outputs(htmlutil.page(site, PAGE))
    grid = re.findall(r"^[0-9.](?: [0-9.]){7}$", out, re.MULTILINE)[:8]
    assert grid[0] == "0 1 . . . . . ."
    assert grid[3] == ". . 2 0 1 . . ."
    assert grid[7] == ". . . . . . 0 1"
    assert "[[1 0 0 1 0 0 1 0]" in out


def test_a_pattern_from_values_gives_a_wrong_jacobian_and_is_refused(
    site: Path,
) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    errors = re.findall(
        r"^(nonzeros of jacfwd at x0|sparsity_pattern):\n(?:[0-9. ]+\n)+"
        r"largest error of the coloured Jacobian at x1: (\S+)",
        out,
        re.MULTILINE,
    )
    assert [e[0] for e in errors] == ["nonzeros of jacfwd at x0", "sparsity_pattern"]
    assert float(errors[0][1]) > 0.5
    assert float(errors[1][1]) == 0.0
    assert "ValueError" in out
    assert "columns 0 and 1 both have colour 0 and both have a nonzero in row 0" in out
    prose = htmlutil.prose(soup)
    match = re.search(r"the coloured Jacobian is wrong by ([\d.e+-]+?)\.\s", prose)
    assert match, prose[:3000]
    assert float(match.group(1)) == float(errors[0][1])


def test_the_banded_jacobian_is_exact_with_five_colours(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    assert "12 columns, 5 colours, 54 stored nonzeros of 144 entries" in out
    assert "coloured == jax.jacfwd run op by op, bit for bit: True" in out
    compiled = re.search(
        r"jax.jacfwd compiled: (\d+) of 54 entries differ from jax.jacfwd run op by op, "
        r"by at most (\d+) unit",
        out,
    )
    assert compiled, out[:3000]
    assert int(compiled.group(2)) <= 2
    prose = htmlutil.prose(soup)
    assert re.search(
        r"in this build, (\d+ of the 54 entries of the compiled jax.jacfwd differ, by at "
        r"most \d unit in the last place|the compiled jax.jacfwd is equal bit for bit too)",
        prose,
    ), prose[:6000]


def test_every_derivative_shown_is_checked_and_passes(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    assert len(soup.select("table.autodiff-check-passed")) == 2
    assert len(soup.select("table.autodiff-check-failed")) == 0
    out = htmlutil.outputs(soup)
    assert "n = 64: 3 colours; coloured == jax.hessian, bit for bit: True" in out
    assert "colours for the arrowhead: [0 1 2 3 4 5 6 7 8 9]" in out
    prose = htmlutil.prose(soup)
    match = re.search(
        r"differs from jax.jacfwd by at most (\S+) \(relative\), and both agree with "
        r"finite differences to ([\d.e+-]+?)\.\s",
        prose,
    )
    assert match, prose[:6000]
    assert float(match.group(1)) < 1e-12
    assert float(match.group(2)) < 1e-5


def test_time_against_size_is_measured_plotted_and_read(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    colours = re.findall(
        r"n = +(\d+): Jacobian (\d+) colours, Hessian (\d+) colours", out
    )
    sizes = [int(c[0]) for c in colours]
    assert len(sizes) >= 3
    assert sizes == sorted(sizes)
    assert all(c[1:] == ("5", "3") for c in colours)
    assert htmlutil.DEVICE.search(out)
    rows = re.findall(r"^ +(\d+)((?: +[\d.]+){4})$", out, re.MULTILINE)
    assert [int(r[0]) for r in rows] == sizes
    measured = soup.select("div.cell.tag_measured")
    assert sum(len(c.select("img")) for c in measured) == 1
    prose = htmlutil.prose(soup)
    assert re.search(r"These are this build[\u2019']s measurements, on", prose)
    assert htmlutil.DEVICE.search(prose)
    largest = sizes[-1]
    for name, dense in (
        ("sparse_jacobian", "jax.jacfwd"),
        ("sparse_hessian", "jax.hessian"),
    ):
        claim = re.search(
            rf"At n = {largest}, {name} was (\d+ times faster than|not faster than) {dense}",
            prose,
        )
        assert claim, prose[-4000:]
    assert re.search(
        rf"{largest} JVPs for jax.jacfwd against 5 for the colouring, and {largest} "
        r"Hessian-vector products for jax.hessian against 3",
        prose,
    ), prose[-4000:]
    small = re.search(
        rf"At the smallest size, \\\(n\\\) = {sizes[0]}, the dense method took ([\d.e+-]+) "
        r"\(Jacobian\) and ([\d.e+-]+) \(Hessian\) times as long as the coloured one",
        prose,
    )
    assert small, prose[-4000:]
    assert float(small.group(1)) > 0
