"""Assertions on the built page "Gauss-Newton and Fisher products": checks, spectra, the fit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import htmlutil

pytestmark = pytest.mark.site

PAGE = "gauss-newton"
NUMBER = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def _vector(out: str, label: str) -> list[float]:
    found = re.search(re.escape(label) + r"\s*\[([^\]]*)\]", out)
    assert found, label
    return [float(x) for x in found.group(1).split()]


def test_the_page_links_the_pages_it_builds_on(site: Path) -> None:
    # Its structure and glue: test_site.py, for every executed page.
    soup = htmlutil.page(site, PAGE)
    links = {str(a["href"]).split("#")[0] for a in soup.select("a.reference.internal")}
    assert {
        "hessian-vector-products.html",
        "jvp-vjp.html",
        "implicit-differentiation.html",
        "checking-derivative-rules.html",
    } <= links


def test_the_product_is_jtj_and_not_the_hessian(site: Path) -> None:
    out = htmlutil.outputs(htmlutil.page(site, PAGE))
    gv = _vector(out, "G v by one jvp and one vjp:")
    jtj = _vector(out, "J^T J v, J materialised:")
    hv = _vector(out, "H v, the Hessian:")
    assert gv == pytest.approx(jtj, rel=1e-8)
    assert gv != pytest.approx(hv, rel=1e-2)


def test_the_checks_pass_on_the_linearised_losses_and_fail_on_the_true_one(
    site: Path,
) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    passed = soup.select("table.autodiff-check-passed")
    failed = soup.select("table.autodiff-check-failed")
    assert len(passed) == 3, "linearised curve fit, Hessian by parts, Fisher"
    assert len(failed) == 1, "the GGN checked as the Hessian of the loss"
    verdict = failed[0].get_text()
    wrong = re.search(
        r"the formula is wrong: it differs from autodiff by a relative error of "
        rf"({NUMBER}).*and autodiff agrees with finite differences",
        verdict,
    )
    assert wrong, verdict
    assert float(wrong.group(1)) > 1e-2
    # The network's check prints its verdict only.
    assert (
        out.count("formula matches autodiff, and autodiff matches finite differences")
        == 4
    )
    assert "{'W1': real 6x2, 'W2': real 3x6, 'b1': real 6, 'b2': real 3}" in out
    fisher = re.search(
        rf"(\d+) parameters; largest difference, relative: ({NUMBER})", out
    )
    assert fisher
    assert int(fisher.group(1)) == 39
    assert float(fisher.group(2)) < 1e-12
    prose = htmlutil.prose(soup)
    gap = re.search(rf"off by a relative error of ({NUMBER})", prose)
    assert gap
    assert float(gap.group(1)) > 1e-2


def test_the_ggn_is_psd_where_the_hessian_is_not(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    hess = re.search(
        rf"Hessian: (\d+) of (\d+) eigenvalues negative, the smallest ({NUMBER})", out
    )
    ggn = re.search(rf"GGN: +smallest eigenvalue ({NUMBER}), largest ({NUMBER})", out)
    assert hess
    assert ggn
    assert int(hess.group(1)) > 0
    assert int(hess.group(2)) == 25
    assert float(hess.group(3)) < 0
    assert float(ggn.group(1)) >= -1e-10 * float(ggn.group(2))
    assert len(soup.select("div.cell.tag_hide-input img")) == 2


def test_levenberg_marquardt_converges_where_newton_finds_a_saddle(
    site: Path,
) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    lm = re.search(
        r"Levenberg-Marquardt: (\d+) iterations, (\d+) GGN-vector products", out
    )
    assert lm
    steps, products = int(lm.group(1)), int(lm.group(2))
    assert 0 < steps < 40
    assert products >= 3
    losses = dict(
        re.findall(
            rf"^\s*(?:(gradient descent|Newton), \d+ iterations: )?loss ({NUMBER})",
            out,
            re.MULTILINE,
        )
    )
    lm_loss = float(losses[""])
    assert float(losses["gradient descent"]) >= lm_loss * (1 - 1e-9)
    assert float(losses["Newton"]) > 100 * lm_loss
    prose = htmlutil.prose(soup)
    assert f"passed the gradient test in {steps} iterations" in prose
    assert "a saddle point" in prose
    rows = re.findall(
        rf"^ *([abc]) +({NUMBER}) +({NUMBER}) +({NUMBER}) +({NUMBER})$",
        out,
        re.MULTILINE,
    )
    assert [r[0] for r in rows] == ["a", "b", "c"]
    assert [float(r[1]) for r in rows] == [2.0, 1.3, 0.5]
    for _, true, fitted, se, z in rows:
        assert abs(float(fitted) - float(true)) < 3 * float(se)
        assert abs(float(z)) < 3
