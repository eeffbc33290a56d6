"""Assertions on the built page *Checking gradients*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site


def _page(site: Path, name: str) -> BeautifulSoup:
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(soup: BeautifulSoup) -> str:
    """The visible text, with whitespace collapsed and typographic apostrophes made plain."""
    return " ".join(soup.get_text().split()).replace("\u2019", "'")


def test_index_links_the_page(site: Path) -> None:
    soup = _page(site, "index")
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert "checking-gradients.html" in links


def test_the_seed_helper_runs_as_written_and_crashes(site: Path) -> None:
    soup = _page(site, "checking-gradients")
    tagged = soup.select("div.cell.tag_raises-exception")
    assert len(tagged) == 1
    cell = tagged[0].get_text()
    assert "compare_differentiation_methods(f, gradf, (10, 10))" in cell
    assert "Iteration 0: some components differ" in cell
    assert re.search(
        r"AttributeError: .*ArrayImpl' object has no attribute 'norm'", cell
    )
    source = soup.get_text()
    assert "seed = jax.random.PRNGKey(228)" in source
    assert "x = jax.random.uniform(seed, shape=shape)" in source
    assert ").norm() / gradf(x).norm()" in source


def test_the_helpers_mistakes_are_shown_by_computation(site: Path) -> None:
    text = _text(_page(site, "checking-gradients"))
    # One key: five identical draws.
    assert "Number of distinct inputs among the five draws: 1." in text
    # Determinants of uniform matrices.
    match = re.search(r"So (\d+) of (\d+) draws are outside the domain", text)
    assert match, "the count of non-positive determinants is missing"
    negative, total = int(match.group(1)), int(match.group(2))
    assert total == 1000
    assert 0.2 * total < negative < 0.8 * total
    assert re.search(r"det X <= 0 for \d+ of 1000 uniform 10x10 matrices", text)
    # Fixed float32 tolerances flag a correct formula.
    flagged = re.search(
        r"calls the correct formula wrong on (\d+) of 64 matrices", text
    )
    assert flagged
    assert int(flagged.group(1)) > 0
    assert re.search(
        r"relative error of the whole gradient, .* is at most \d\.\de-0[5-8]", text
    )


def test_the_fixed_checks_pass_with_this_builds_numbers(site: Path) -> None:
    text = _text(_page(site, "checking-gradients"))
    for task in ("task 2", "task 4", "task 5"):
        assert re.search(
            # An exact match prints 0.0e+00: with XLA's passes off, the formula and
            # autodiff can run the very same operations.
            rf"{task}: ok=True, max relative error \d\.\de[-+]\d\d "
            r"\(finite differences \d\.\de-\d\d\)",
            text,
        ), task
    match = re.search(
        r"the largest relative errors are (\S+), (\S+) and (\S+), against a tolerance of (\S+):",
        text,
    )
    assert match
    errors = [float(v.rstrip(",")) for v in match.groups()[:3]]
    tolerance = float(match.group(4))
    assert all(0 <= e < tolerance for e in errors)
    assert tolerance == pytest.approx(1.5e-8, rel=0.05)


def test_results_render_as_coloured_tables(site: Path) -> None:
    soup = _page(site, "checking-gradients")
    tables = soup.select("table.autodiff-check")
    statuses = [t["class"] for t in tables]
    assert len(tables) == 3
    assert all("autodiff-check-failed" in s for s in statuses)
    seed_task_4, caught, stopped = tables
    assert "autodiff looks wrong here" in stopped.get_text()
    assert "the formula is wrong" in seed_task_4.get_text()
    assert "invertible 4x4, det > 0" in seed_task_4.get_text()
    assert "invertible 4x4" in caught.get_text()
    assert "worst component" in caught.get_text()


def test_the_sign_error_and_the_transpose_mistake_are_quoted(site: Path) -> None:
    text = _text(_page(site, "checking-gradients"))
    match = re.search(
        r"The formula gives (-?\d+\.\d{4}) where autodiff gives (-?\d+\.\d{4})", text
    )
    assert match
    formula, autodiff = (float(v) for v in match.groups())
    assert formula == pytest.approx(-autodiff)
    assert formula != 0
    match = re.search(
        r"Component \((\d), (\d)\) of the worst trial is (-?\d+\.\d{4}) by the formula and "
        r"(-?\d+\.\d{4}) by autodiff",
        text,
    )
    assert match
    assert float(match.group(3)) != pytest.approx(float(match.group(4)), abs=1e-3)
    assert "autodiff looks wrong here" in text


def test_the_taylor_plot_and_slopes(site: Path) -> None:
    soup = _page(site, "checking-gradients")
    plots = soup.select("div.cell.tag_hide-input img")
    assert len(plots) == 1
    assert (site / plots[0]["src"]).is_file()
    match = re.search(
        r"falls with slope (\d\.\d\d), the seed's with slope (\d\.\d\d)", _text(soup)
    )
    assert match
    right, wrong = (float(v) for v in match.groups())
    assert right == pytest.approx(2, abs=0.1)
    assert wrong == pytest.approx(1, abs=0.1)


def test_the_page_has_the_structure_of_the_site(site: Path) -> None:
    soup = _page(site, "checking-gradients")
    text = _text(soup)
    assert text.count("What you will learn.") == 1
    headings = [_text(h).rstrip("#") for h in soup.select("section > h2")]
    assert headings[0] == "The seed's helper"
    assert headings[-1] == "Why it matters"
    assert "task 3 is empty" in text
    assert soup.select("a[href='computation-graph.html']")
    assert "Traceback" not in text.replace(
        _text(soup.select("div.cell.tag_raises-exception")[0]), ""
    )
