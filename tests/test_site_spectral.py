"""Assertions on the built page "Eigenvalues, eigenvectors and the SVD near degeneracy"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import htmlutil

pytestmark = pytest.mark.site

PAGE = "spectral-degeneracy"
ISSUES = {669, 4646, 2311, 8732}


def _rows(out: str, header: str) -> list[list[float]]:
    block = out.split(header, 1)[1].lstrip("\n")
    rows = []
    for line in block.splitlines():
        fields = line.split()
        if not fields or not re.fullmatch(r"[\d.e+-]+", fields[0]):
            break
        rows.append([float(f) for f in fields])
    return rows


def test_page_structure_links_and_issue_citations(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    assert "What you will learn." in soup.get_text()
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert headings[-1] == "Why it matters", headings
    prose = htmlutil.prose(htmlutil.page(site, PAGE))
    assert "{glue" not in prose
    assert "glue:text" not in prose
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {"custom-rules.html", "matrix-calculus.html"} <= links
    cited = {
        int(m)
        for a in soup.select("a")
        for m in re.findall(
            r"^https://github\.com/jax-ml/jax/issues/(\d+)$", a.get("href", "")
        )
    }
    assert cited >= ISSUES


def test_checks_shown_pass_and_the_ones_through_eigenvectors_fail(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    # top eigenvector, tr exp, projector (distinct), stable projector, nuclear norm, broadened rule
    assert len(soup.select("table.autodiff-check-passed")) == 6
    assert not soup.select("table.autodiff-check-failed")
    for label in ("through eigenvectors:", "JAX through eigh:"):
        line = re.search(rf"^{label} (.*)$", out, re.MULTILINE)
        assert line, label
        assert "NaN or inf, which counts as a failure: autodiff" in line.group(1)
    assert re.search(
        r"^singular vector: formula matches autodiff, and autodiff matches finite differences$",
        out,
        re.MULTILINE,
    )


def test_eigenvector_gradient_grows_like_one_over_the_gap_and_the_projector_does_not(
    site: Path,
) -> None:
    soup = htmlutil.page(site, PAGE)
    rows = _rows(htmlutil.outputs(soup), "|grad v1'Bv1|   |grad tr(BP)|")
    assert len(rows) == 14
    gaps, eig, proj = zip(*rows, strict=True)
    assert gaps[0] == pytest.approx(0.1)
    assert gaps[-1] == pytest.approx(1e-14)
    for g, e in zip(gaps[1:-2], eig[1:-2], strict=True):
        assert e * g == pytest.approx(eig[1] * gaps[1], rel=0.05)
    assert max(proj) < 1.1 * min(proj)
    assert len(soup.select("div.cell.tag_hide-input img")) == 3
    prose = htmlutil.prose(soup)
    slope = re.search(r"with a fitted log-log slope of (-?[\d.]+)", prose)
    assert slope
    assert -1.05 < float(slope.group(1)) < -0.95
    assert "Over 13 decades of the gap" in prose


def test_nan_at_a_repeated_eigenvalue_and_finite_forward_mode(site: Path) -> None:
    out = htmlutil.outputs(htmlutil.page(site, PAGE))
    reverse = re.search(
        r"^reverse mode, grad of v5' B v5, first row: \[(.*)\]$", out, re.MULTILINE
    )
    assert reverse
    assert reverse.group(1).split() == ["nan"] * 5
    forward = re.search(r"^forward mode, dv5 along B: \[(.*)\]$", out, re.MULTILINE)
    by_hand = re.search(r"^the hand-derived formula: +\[(.*)\]$", out, re.MULTILINE)
    assert forward
    assert by_hand
    assert [float(v) for v in forward.group(1).split()] == pytest.approx(
        [float(v) for v in by_hand.group(1).split()]
    )
    assert "at X = 2I: grad of u1'Bu1 has NaN: True" in out


def test_svd_sweep_and_the_nuclear_norm(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    rows = _rows(htmlutil.outputs(soup), "|grad u1'Bu1|   |grad ||X||_*|")
    assert len(rows) == 7
    for gap, vector, nuclear in rows:
        assert vector * gap == pytest.approx(rows[0][1] * rows[0][0], rel=0.1)
        assert nuclear == pytest.approx(3**0.5, abs=1e-4)


def test_broadening_bias_is_proportional_to_epsilon(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    rows = _rows(htmlutil.outputs(soup), "largest relative bias   bias / epsilon")
    assert [r[0] for r in rows] == [1e-12, 1e-9, 1e-6, 1e-3, 1e-2]
    for eps, bias, ratio in rows:
        assert bias == pytest.approx(eps * ratio, rel=0.02)
        assert 0.1 < ratio < 4.5
    slope = re.search(r"fitted slope (\S+),", htmlutil.prose(soup))
    assert slope
    assert 0.9 < float(slope.group(1)) < 1.1
