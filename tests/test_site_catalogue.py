"""The page *Matrix calculus, verified* in the built HTML: every entry, checked by the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from autodiff_cookbook import domains
from autodiff_cookbook.catalogue import IDENTITIES, MISTAKES

pytestmark = pytest.mark.site

PAGE = "matrix-calculus"


def _page(site: Path) -> BeautifulSoup:
    path = site / f"{PAGE}.html"
    assert path.is_file(), f"{PAGE}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _prose(soup: BeautifulSoup) -> str:
    main = soup.select_one("main") or soup
    return " ".join(main.get_text().replace("\u2019", "'").split())


def _outputs(soup: BeautifulSoup) -> str:
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def _section(soup: BeautifulSoup, title: str) -> Tag:
    for heading in soup.select("main h2"):
        if heading.get_text(strip=True).rstrip("#") == title:
            section = heading.find_parent("section")
            assert isinstance(section, Tag)
            return section
    pytest.fail(f"no section {title!r} on the page")


def _rows(section: Tag) -> list[Tag]:
    return list(section.select("div.cell_output table tbody tr"))


def test_page_is_in_the_navigation(site: Path) -> None:
    index = BeautifulSoup(
        (site / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    links = {a["href"].split("#")[0] for a in index.select("a.reference.internal")}
    assert f"{PAGE}.html" in links


def test_summary_at_the_top_counts_what_this_build_checked(site: Path) -> None:
    prose = _prose(_page(site))
    points = sum(e.trials for e in IDENTITIES)
    summary = (
        f"This build checked {len(IDENTITIES)} identities at {points} random points: "
        "all of them pass."
    )
    assert summary in prose
    assert (
        f"It also checked {len(MISTAKES)} common wrong formulas, and caught every one"
        in prose
    )
    # The summary comes before the first section.
    article = _page(site).select_one("main article")
    assert article is not None
    paragraph = article.find(string=re.compile("This build checked"))
    assert paragraph is not None
    first_section = article.select_one("h2")
    assert first_section is not None
    assert first_section in paragraph.find_all_next("h2")


def test_summary_quotes_errors_small_enough_to_be_rounding(site: Path) -> None:
    prose = _prose(_page(site))
    number = r"([0-9.]+e[+-][0-9]+)"
    match = re.search(
        rf"against autodiff was {number}, and of autodiff against finite differences "
        rf"{number}",
        prose,
    )
    assert match
    assert float(match.group(1)) < 1e-12
    # Within the finite-difference tolerance of Hessians, the loosest one.
    assert float(match.group(2)) < 1.5e-6


def test_page_opens_with_what_you_will_learn_and_ends_with_why_it_matters(
    site: Path,
) -> None:
    soup = _page(site)
    assert _prose(soup).count("What you will learn.") == 1
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("main h2")]
    assert headings[-1] == "Why it matters", headings
    assert "Common mistakes" in headings


@pytest.mark.parametrize("topic", IDENTITIES.topics)
def test_every_identity_is_shown_with_its_result(site: Path, topic: str) -> None:
    rows = _rows(_section(_page(site), topic))
    entries = IDENTITIES.select(topic=topic)
    assert entries, f"no identity has the topic {topic!r}"
    assert len(rows) == len(entries)
    for row, entry in zip(rows, entries, strict=True):
        # The theme's smart quotes curl the quotes of a dict domain's keys.
        text = " ".join(row.get_text(" ").split()).translate({0x2018: "'", 0x2019: "'"})
        assert entry.id in text
        assert f"passed on {domains.describe(entry.domain)}, " in text
        assert f"{entry.trials} points" in text
        # The function and the derivative are typeset by MathJax.
        assert len(row.select("span.math")) >= 2
        autodiff = re.search(r"([0-9.]+e[+-][0-9]+) vs autodiff", text)
        fd = re.search(r"([0-9.]+e[+-][0-9]+) vs finite differences", text)
        assert autodiff, text
        assert fd, text
        assert float(autodiff.group(1)) <= 1.5e-8  # float64 rtol, sqrt(eps)
        # The finite-difference tolerance: first or second differences.
        assert float(fd.group(1)) <= (1.5e-6 if entry.kind == "hessian" else 3.7e-8)


def test_no_identity_failed_and_no_mistake_passed(site: Path) -> None:
    text = _page(site).get_text()
    assert "FAILED" not in text
    assert "NOT caught" not in text


def test_every_mistake_is_shown_caught_next_to_the_right_formula(site: Path) -> None:
    rows = _rows(_section(_page(site), "Common mistakes"))
    assert MISTAKES, "the catalogue has no mistakes to show"
    assert len(rows) == len(MISTAKES)
    for row, mistake in zip(rows, MISTAKES, strict=True):
        cells = row.find_all("td")
        assert len(cells) == 3
        assert mistake.id in cells[0].get_text()
        assert mistake.identity.id in cells[1].get_text()
        text = " ".join(cells[2].get_text(" ").split())
        caught = re.search(r"caught on .*? ([0-9.]+e[+-][0-9]+) relative error", text)
        assert caught, cells[2].get_text()
        assert float(caught.group(1)) > 0.1


def test_seed_tasks_are_checked_and_the_sign_mistake_is_caught(site: Path) -> None:
    soup = _page(site)
    outputs = _outputs(soup)
    for name in ("trace_exp", "neg_log_det", "squared_norm_squared"):
        assert re.search(rf"{name}: ok = True ", outputs), name
    assert re.search(
        r"neg_log_det_sign: ok = False\s+relative error vs autodiff 2\.0e\+00", outputs
    )
    assert "off by a relative error of 2.00" in _prose(soup)


def test_symmetric_inputs_hide_the_transpose_mistake(site: Path) -> None:
    outputs = _outputs(_page(site))
    assert "on invertible 4x4: ok = False" in outputs
    assert "on SPD 4x4: ok = True" in outputs


def test_one_check_is_shown_in_full(site: Path) -> None:
    soup = _page(site)
    table = soup.select_one("div.cell_output table.autodiff-check-passed")
    assert table is not None
    assert "formula matches autodiff, and autodiff matches finite differences" in (
        table.get_text()
    )


def test_layout_convention_is_stated(site: Path) -> None:
    prose = _prose(_page(site))
    assert "the gradient has the shape of the input" in prose.lower()
    assert "Matrix Cookbook" in prose
    assert "15 November 2012" in prose
