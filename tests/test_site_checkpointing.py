"""Assertions on the built page *Checkpointing: trading compute for memory*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

PAGE = "checkpointing"
# How a device label reads, e.g. "1 CPU device (cpu), JAX 0.10.2".
DEVICE = re.compile(r"\d+ [A-Z]+ devices? \([^)]*\), JAX \d+\.\d+")


def _page(site: Path) -> BeautifulSoup:
    path = site / f"{PAGE}.html"
    assert path.is_file(), f"{PAGE}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _outputs(soup: BeautifulSoup) -> str:
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def _prose(soup: BeautifulSoup) -> str:
    main = soup.select_one("article") or soup
    for cell in main.select("div.cell"):
        cell.decompose()
    return " ".join(main.get_text().split())


def test_page_opens_with_what_you_will_learn_and_ends_with_why_it_matters(
    site: Path,
) -> None:
    soup = _page(site)
    assert "What you will learn." in soup.get_text()
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert headings[-1] == "Why it matters", headings
    prose = _prose(soup)
    assert "{glue" not in prose
    assert "glue:text" not in prose
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert "control-flow.html" in links


def test_the_saved_residuals_of_one_layer_and_of_each_policy(site: Path) -> None:
    out = _outputs(_page(site))
    first = re.findall(r"^f32\[4,12\] output of (\w+)", out, re.MULTILINE)
    assert first[:2] == ["tanh", "sub"]
    blocks = dict(re.findall(r"^(\S+):\n((?:    .*\n?)+)", out, re.MULTILINE))
    assert blocks["nothing_saveable"].strip() == "(the arguments only)"
    assert "output of tanh" in blocks["everything_saveable"]
    assert "output of sub" in blocks["everything_saveable"]
    assert blocks["checkpoint_dots"].strip() == "f32[4,12] output of dot_general"
    assert blocks['save_only_these_names("hidden")'].strip() == (
        "f32[4,12] named 'hidden'"
    )


def test_the_stack_saves_per_layer_per_state_or_per_segment(site: Path) -> None:
    out = _outputs(_page(site))
    none = out.split("no checkpointing:")[1].split("one per layer:")[0]
    step = out.split("one per layer:")[1].split("nested sqrt(n)")[0]
    sqrt = out.split("nested sqrt(n) (segments of 4 layers):")[1].split(
        "one per layer"
    )[0]
    assert none.count("f32[16,") == 3
    assert step.count("f32[16,") == 1
    assert "f32[4,8,4] output of scan" in sqrt
    assert "f32[16," not in sqrt


def test_the_gradients_are_identical_and_checked(site: Path) -> None:
    soup = _page(site)
    out = _outputs(soup)
    diffs = re.findall(
        r"(one per layer|nested sqrt\(n\)): largest difference from no checkpointing "
        r"(\S+), bitwise identical: (True|False)",
        out,
    )
    assert [d[0] for d in diffs] == ["one per layer", "nested sqrt(n)"]
    assert all(float(d[1].rstrip(",")) < 1e-6 for d in diffs)
    assert len(soup.select("table.autodiff-check-passed")) == 1
    assert len(soup.select("table.autodiff-check-failed")) == 0
    assert "formula matches autodiff, and autodiff matches finite differences" in out
    prose = _prose(soup)
    match = re.search(
        r"differs from plain autodiff by at most (\S+) \(relative\), and both agree "
        r"with finite differences to (\S+)\.",
        prose,
    )
    assert match, prose[:3000]
    assert float(match.group(1)) < 1e-6
    assert float(match.group(2)) < 1e-6


def test_memory_and_time_are_measured_plotted_and_read(site: Path) -> None:
    soup = _page(site)
    out = _outputs(soup)
    assert DEVICE.search(out)
    rows = re.findall(r"^ +(\d+)((?: +[\d.]+ MB +[\d.]+ ms){3})$", out, re.MULTILINE)
    assert [int(r[0]) for r in rows] == [16, 64, 256, 1024]
    megabytes = [[float(v) for v in re.findall(r"([\d.]+) MB", r[1])] for r in rows]
    none, step, sqrt = (list(col) for col in zip(*megabytes, strict=True))
    assert sqrt[-1] < step[-1] < none[-1]
    assert none[-1] > 3.5 * none[-2]  # linear in depth
    assert sqrt[-1] < 2.5 * sqrt[-2]  # about sqrt(4) = 2
    measured = soup.select("div.cell.tag_measured")
    assert sum(len(c.select("img")) for c in measured) == 1
    prose = _prose(soup)
    assert re.search(r"These are this build[\u2019']s measurements, on", prose)
    assert DEVICE.search(prose)
    claim = re.search(
        r"At depth n = 1024, nested sqrt\(n\) checkpointing needed ([\d.]+) MB of "
        r"scratch memory against ([\d.]+) MB without checkpointing, (\d+) times less, "
        r"(at a cost of [\d.]+ times the time|and in this build it was not slower)",
        prose,
    )
    assert claim, prose[:4000]
    assert float(claim.group(1)) < float(claim.group(2))
    assert re.search(r"One checkpoint per layer needed [\d.]+ MB", prose)
