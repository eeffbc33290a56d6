"""Assertions on the built page "How autodiff works: forward and reverse mode from scratch"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from . import htmlutil

pytestmark = pytest.mark.site

PAGE = "autodiff-from-scratch"


def _vector(out: str, label: str) -> list[float]:
    found = re.search(rf"^{re.escape(label)} *\[([^\]]*)\]", out, re.MULTILINE)
    assert found, f"no line {label!r} in the outputs"
    return [float(v) for v in found.group(1).split()]


def test_the_page_links_the_pages_it_builds_on(site: Path) -> None:
    # Its structure and glue: test_site.py, for every executed page.
    soup = htmlutil.page(site, PAGE)
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {
        "jvp-vjp.html",
        "computation-graph.html",
        "forward-vs-reverse.html",
    } <= links


def test_both_modes_pass_their_checks_and_the_wrong_cosine_fails(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    assert len(soup.select("table.autodiff-check-passed")) == 4, (
        "the scratch JVP, gradient and VJP, and the transposed scratch JVP"
    )
    assert len(soup.select("table.autodiff-check-failed")) == 1
    assert out.count("the formula is wrong") == 2, "the wrong cosine, in both modes"
    assert (
        "formula matches autodiff, and autodiff matches finite differences\n" in out
    ), "the forward-mode gradient's verdict"
    prose = htmlutil.prose(soup)
    gap = re.search(r"The largest difference is (\S+) of the largest entry", prose)
    assert gap
    assert float(gap.group(1)) < 10 * 1.2e-7, "float32 rounding"


def test_the_tape_is_printed_and_the_fan_out_is_counted(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    tape = re.findall(r"^v(\d+) = (\w+)\(([^)]*)\)$", out, re.MULTILINE)
    assert [int(i) for i, _, _ in tape] == list(range(11))
    assert tape[0][1:] == ("input", "")
    assert tape[-1][1:] == ("sum", "v9")
    readers = [f"v{i}" for i, _, args in tape if "v0" in args.split(", ")]
    prose = htmlutil.prose(soup)
    assert (
        f"The input v0 is read by {len(readers)} entries ({', '.join(readers)}), so "
        f"its adjoint is the sum of {len(readers)} contributions" in prose
    )


def test_reverse_mode_equals_the_transposed_forward_mode(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    agree = r"(exactly, to the last bit|to \d\.\de-\d+)"
    prose = htmlutil.prose(soup)
    assert re.search(rf"They agree {agree}\. The scratch forward mode", prose)
    assert re.search(rf"The two agree {agree}\. The defining property", prose)
    linearized = _vector(out, "transpose of jax.linearize:")
    pullback = _vector(out, "jax.vjp's pullback:")
    scratch_t = _vector(out, "transpose of the scratch jvp:")
    tape = _vector(out, "the scratch tape's vjp:")
    assert len(linearized) == 6
    for other in (pullback, scratch_t, tape):
        assert other == pytest.approx(linearized, rel=1e-5, abs=1e-6)
    pair = re.search(r"<u, J v> = (\S+),  <J\^T u, v> = (\S+)", out)
    assert pair
    assert float(pair.group(1)) == pytest.approx(float(pair.group(2)), rel=1e-5)


def test_operation_counts_grow_like_n_squared_and_n(site: Path) -> None:
    soup = htmlutil.page(site, PAGE)
    out = htmlutil.outputs(soup)
    rows = re.findall(
        r"^ *(\d+) +([\d,]+) +([\d,]+) \+ +([\d,]+) +([\d.]+)$", out, re.MULTILINE
    )
    assert [int(n) for n, *_ in rows] == [10, 30, 100]

    def num(s: str) -> int:
        return int(s.replace(",", ""))

    fwd = [num(f) for _, f, _, _, _ in rows]
    rev = [num(t) + num(s) for _, _, t, s, _ in rows]
    assert fwd[2] / fwd[0] == pytest.approx(100, rel=0.1)
    assert rev[2] / rev[0] == pytest.approx(10, rel=0.1)
    ratio = float(rows[2][4])
    assert ratio == pytest.approx(fwd[2] / rev[2], abs=0.05)
    prose = htmlutil.prose(soup)
    assert re.search(
        rf"at \\\(n = 100\\\) forward mode computes {round(ratio)} times as many",
        prose,
    )
    growth = re.search(r"forward-mode count grows (\d+)-fold, quadratically", prose)
    assert growth
    assert int(growth.group(1)) == round(fwd[2] / fwd[0])
