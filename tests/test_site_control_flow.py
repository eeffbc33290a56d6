"""Assertions on the built page *Loops and control flow*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

PAGE = "control-flow"


def _page(site: Path) -> BeautifulSoup:
    path = site / f"{PAGE}.html"
    assert path.is_file(), f"{PAGE}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text().split()).replace("\u2019", "'")


def _outputs(soup: BeautifulSoup) -> str:
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def test_the_page_opens_with_what_you_will_learn_and_ends_with_why_it_matters(
    site: Path,
) -> None:
    soup = _page(site)
    assert (
        soup.select_one("h1").get_text(strip=True).startswith("Loops and control flow")
    )
    assert "What you will learn." in _text(soup)
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert headings[-1] == "Why it matters"


def test_the_four_loops_give_equal_gradients(site: Path) -> None:
    soup = _page(site)
    outputs = _outputs(soup)
    for name in ("Python loop", "fori_loop", "scan"):
        assert re.search(
            rf"{name}\s+ok=True, max relative error \d\.\de-1\d", outputs
        ), name
    differences = re.findall(
        r"(Python loop|fori_loop|scan|while_loop)\s+dL/db = \[([^\]]+)\], largest relative "
        r"difference from scan (\S+)",
        outputs,
    )
    assert [d[0] for d in differences] == [
        "Python loop",
        "fori_loop",
        "scan",
        "while_loop",
    ]
    assert len({d[1] for d in differences}) == 1, (
        "the printed gradients should be equal"
    )
    assert all(float(d[2]) < 1e-5 for d in differences)
    # The while_loop, in forward mode, passes check_jvp; the three in reverse mode pass.
    assert len(soup.select("table.autodiff-check-passed")) >= 2


def test_the_while_loop_error_is_shown(site: Path) -> None:
    soup = _page(site)
    failing = soup.select("div.cell.tag_raises-exception")
    assert len(failing) == 2
    for cell in failing:
        text = cell.get_text()
        assert "jax.grad(" in text
        assert (
            "ValueError: Reverse-mode differentiation does not work for lax.while_loop "
            "or lax.fori_loop with dynamic start/stop values" in text
        )
    assert "Reverse-mode differentiation does not work for lax.while_loop" in _text(
        soup.select_one("#why-it-matters")
    )


def test_the_single_where_puts_nan_in_the_gradient_and_the_fixes_do_not(
    site: Path,
) -> None:
    soup = _page(site)
    outputs = _outputs(soup)
    assert re.search(r"gradient: \[ ?nan +nan +0\.25\]", outputs)
    assert "where ok=False, trials with NaN/inf in autodiff's gradient: 64 of 64" in (
        " ".join(outputs.split()).replace("\u2019", "'")
    )
    compact = " ".join(outputs.split())
    assert (
        "double where ok=True, trials with NaN/inf in autodiff's gradient: 0 of 64"
        in compact
    )
    assert (
        "cond under vmap ok=True, trials with NaN/inf in autodiff's gradient: 0 of 64"
        in compact
    )
    assert soup.select("table.autodiff-check-failed")
    assert "gave a NaN gradient at 64 of the 64 inputs" in _text(soup)


def test_compile_time_and_memory_are_measured_and_plotted(site: Path) -> None:
    soup = _page(site)
    text = _text(soup)
    match = re.search(
        r"From 2 to 32 steps, compiling the unrolled gradient took (\S+) times as long, "
        r"the scan's (\S+) times; over 2 to 512 steps the scan's compile time "
        r"(stayed roughly constant|also grew), varying by a factor of (\S+)\.",
        text,
    )
    assert match, "the compile-time sentence is missing"
    unrolled, scan = float(match.group(1)), float(match.group(2))
    assert unrolled > 2
    assert unrolled > 2 * scan
    match = re.search(
        r"The scan's scratch memory grew by (\d+) bytes per step from 32 to 512 steps "
        r"\((\d+) from 2 to 32\), (\S+) times the (\d+) bytes of residuals saved per step",
        text,
    )
    assert match, "the memory sentence is missing"
    assert int(match.group(4)) == 3 * 4 * 64
    assert int(match.group(1)) >= int(match.group(4))
    assert re.search(r"\d+ [A-Z]+ devices? \([^)]*\), JAX \d+\.\d+", text)
    plotted = [
        cell
        for cell in soup.select("div.cell.tag_hide-input")
        if cell.select("div.cell_output img")
    ]
    assert len(plotted) == 1


def test_the_page_links_checkpointing_and_implicit_differentiation(site: Path) -> None:
    soup = _page(site)
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {"checkpointing.html", "implicit-differentiation.html"} <= links
