"""Assertions on the built page "Higher derivatives and Taylor mode"."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from . import htmlutil

pytestmark = pytest.mark.site

PAGE = "taylor-mode"


def test_the_page_links_the_pages_it_builds_on(site: Path) -> None:
    # Its structure and glue: test_site.py, for every executed page.
    soup = htmlutil.page(site, PAGE)
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {
        "jvp-vjp.html",
        "hessian-vector-products.html",
        "checking-gradients.html",
    } <= links


def test_every_check_shown_passes(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    assert len(soup.select("table.autodiff-check-passed")) == 3
    assert not soup.select("table.autodiff-check-failed")


def test_nested_jvp_and_jet_agree_at_every_order(site: Path) -> None:
    out = htmlutil.outputs(htmlutil.page(site, PAGE))
    rows = re.findall(r"^ ?(\d) +(\S+) +(\S+) +(\d\.\de[-+]\d+)$", out, re.MULTILINE)
    assert [int(k) for k, *_ in rows] == list(range(1, 7))
    for _, nested, jet, diff in rows:
        assert float(diff) < 1e-4
        assert float(nested) == pytest.approx(float(jet), rel=1e-4)
    prose = htmlutil.prose(htmlutil.page(site, PAGE))
    assert re.search(
        r"largest relative difference is \d\.\de-0[5-9], for \S*k\S* up to 6\.", prose
    )


def test_jaxpr_grows_geometrically_for_nested_jvp_and_quadratically_for_jet(
    site: Path,
) -> None:
    out = htmlutil.outputs(htmlutil.page(site, PAGE))
    full = re.findall(r"^ ?(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$", out, re.MULTILINE)
    assert [int(r[0]) for r in full] == list(range(1, 7))
    nested = [int(r[1]) for r in full]
    assert all(b > 2 * a for a, b in itertools.pairwise(nested))
    jet_only = re.findall(r"^ ?(\d+) +(\d+)$", out, re.MULTILINE)
    jet = [int(r[2]) for r in full] + [int(c) for k, c in jet_only if int(k) > 6]
    assert len(jet) == 10
    second = np.diff(jet, 2)
    assert len(set(second[1:].tolist())) == 1
    growth = re.search(
        r"grows by a factor of about (\S+) per order",
        htmlutil.prose(htmlutil.page(site, PAGE)),
    )
    assert growth
    assert 2.0 < float(growth.group(1)) < 4.0
    assert re.search(
        r"would trace about \S+ equations, \d+ times as many as at",
        htmlutil.prose(htmlutil.page(site, PAGE)),
    )


def test_timings_are_measured_and_plotted(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    assert htmlutil.DEVICE.search(out)
    assert len(soup.select("div.cell.tag_measured img")) == 1
    assert len(soup.select("div.cell_output img")) == 3
    prose = htmlutil.prose(soup)
    assert re.search(r"These are this build[\u2019']s measurements, on", prose)
    assert re.search(
        r"At k = 6, tracing and compiling the nested JVPs took [\d.]+ s", prose
    )


def test_ode_coefficients_match_the_closed_form_and_float32_overflows(
    site: Path,
) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    error = re.search(r"all orders and x0: (\S+)$", out, re.MULTILINE)
    assert error
    assert float(error.group(1)) < 1e-13
    coefficients = re.search(r"\(closed form: 100\^\(k\+1\)\):\n\[([^\]]+)\]", out)
    assert coefficients
    values = [float(c) for c in coefficients.group(1).split()]
    assert values == pytest.approx([100.0 ** (k + 1) for k in range(11)], rel=1e-12)
    rows = re.findall(r"^ ?(\d+)((?: +(?:\S+e[-+]\d+|inf|nan)){4})$", out, re.MULTILINE)
    table = {int(k): r.split() for k, r in rows}
    assert sorted(table) == list(range(11))
    for k, errors in table.items():
        # x0 = 1 and 100 stay accurate; 1000 overflows from order 10, 10000 from 8
        assert all(float(e) < 1e-5 for e in errors[:2])
        assert (errors[2] in {"inf", "nan"}) == (k >= 10)
        assert (errors[3] in {"inf", "nan"}) == (k >= 8)
    assert "x0 = 1000: from order 10; x0 = 10000: from order 8" in htmlutil.prose(soup)
