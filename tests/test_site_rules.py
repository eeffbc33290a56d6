"""Assertions on the built page *Checking derivative rules*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

PAGE = "checking-derivative-rules"


def _page(site: Path, name: str = PAGE) -> BeautifulSoup:
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(soup: BeautifulSoup) -> str:
    """The visible text, with whitespace collapsed and typographic apostrophes made plain."""
    return " ".join(soup.get_text().split()).replace("\u2019", "'")


def _number(pattern: str, text: str) -> tuple[float, ...]:
    match = re.search(pattern, text)
    assert match, f"not on the page: {pattern}"
    return tuple(float(g) for g in match.groups())


def test_the_page_has_the_structure_of_the_site(site: Path) -> None:
    soup = _page(site)
    text = _text(soup)
    assert text.count("What you will learn.") == 1
    headings = [_text(h).rstrip("#") for h in soup.select("section > h2")]
    assert headings == [
        "A custom JVP rule wrong by less than one part in a thousand",
        "A custom VJP rule: the fused cross-entropy",
        "Matrix-free rules for an image too large for its Jacobian",
        "A complex gradient in PyTorch's convention",
        "A parameter the loss never uses",
        "Property-based tests with Hypothesis",
        "Why it matters",
    ]
    for linked in ("custom-rules", "checking-gradients", "complex", "pytrees"):
        assert soup.select(f"a[href='{linked}.html']"), linked
    assert "Traceback" not in text


def test_the_rounded_rule_is_caught_by_the_rule_check_and_missed_by_differences(
    site: Path,
) -> None:
    text = _text(_page(site))
    error, times, rtol = _number(
        r"The rule differs from differentiated code by up to (\d\.\de-0\d), "
        r"(\d+\.\d) times the tolerance (\d\.\de-0\d), and the check fails",
        text,
    )
    assert rtol == pytest.approx(3.5e-4, rel=0.02)
    assert error > rtol
    assert times == pytest.approx(error / rtol, abs=0.1)
    fd_error, fd_rtol, ratio = _number(
        r"differ from finite differences by at most (\d\.\de-0\d), within the finite "
        r"differences' tolerance (0\.\d{3}): that tolerance is (\d+) times",
        text,
    )
    assert fd_error < fd_rtol
    assert fd_rtol == pytest.approx(0.024, abs=0.001)
    assert ratio > 10
    # The check_autodiff cell shows finite differences passing, in float32.
    assert re.search(r"fwd order 1: ok=True, max relative error \d\.\de-\d\d", text)
    assert re.search(r"rev order 1: ok=True, max relative error \d\.\de-\d\d", text)


def test_the_results_render_as_tables(site: Path) -> None:
    soup = _page(site)
    tables = soup.select("table.autodiff-check")
    assert len(tables) == 1
    (rule_table,) = tables
    assert "autodiff-check-failed" in rule_table["class"]
    assert "custom_rule" in rule_table.get_text()
    assert "gelu_rounded" in rule_table.get_text()
    assert "float32" in rule_table.get_text()


def test_the_right_rules_pass(site: Path) -> None:
    text = _text(_page(site))
    (right,) = _number(
        r"The largest relative difference is (\d\.\de-\d\d), float32", text
    )
    assert right < 3.5e-5
    assert "softmax_cross_entropy (custom_vjp)" in text
    assert re.search(r"fwd order 1: not applicable: .*custom_vjp", text)
    assert "rev order 1: ok=True" in text


def test_the_matrix_free_products(site: Path) -> None:
    text = _text(_page(site))
    pixels, jac_gb, hess_gb = _number(
        r"For (\d+) pixels, \S+ would take (\d+) GB and \S+ (\d+) GB in float64",
        text,
    )
    assert pixels >= 1e5
    assert jac_gb == pytest.approx(2 * pixels**2 * 8 / 1e9, abs=1)
    assert hess_gb == pytest.approx(pixels**2 * 8 / 1e9, abs=1)
    for name in ("JVP", "VJP", "HVP"):
        assert re.search(
            rf"{name}: ok=True, max relative error \d\.\de-\d\d "
            r"\(finite differences \d\.\de-\d\d\), \d+ trials",
            text,
        ), name
    (shifted,) = _number(
        r"Its relative error is (\d+\.\d\d): off in the first digit", text
    )
    assert shifted > 0.1


def test_the_conjugate_and_the_unused_leaf_are_named(site: Path) -> None:
    soup = _page(site)
    text = _text(soup)
    assert "the formula is the conjugate of JAX's gradient" in text
    outputs = " ".join(_text(o) for o in soup.select("div.cell_output"))
    assert "conjugate" in outputs
    leaves = re.findall(
        r"(\S*(?:w1|b1|w2|b2)\S*)\s+autodiff_zero=(True|False)", outputs
    )
    assert len(leaves) == 4, leaves
    zero = [path for path, flag in leaves if flag == "True"]
    assert len(zero) == 1
    assert "b2" in zero[0]
    assert re.search(
        r"The derivative for \S*b2\S* is exactly zero at all \d+ trials", text
    )


def test_the_property_test_ran_its_examples(site: Path) -> None:
    text = _text(_page(site))
    examples, deviation = _number(
        r"(\d+) examples, largest deviation (\d\.\de-\d\d)", text
    )
    assert examples >= 50
    assert deviation < 1e-5
    assert "derandomize=True" in text
    assert "samples(domains.real(10)" in text
