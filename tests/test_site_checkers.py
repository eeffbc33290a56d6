"""Assertions on the built page *Gradient checkers compared*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

pytestmark = pytest.mark.site

PAGE = "gradient-checkers-compared"
CHECKERS = ("check_custom_rule", "check_autodiff", "check_grads", "scipy check_grad")


def _page(site: Path, name: str) -> BeautifulSoup:
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(soup: BeautifulSoup | Tag) -> str:
    """The visible text, with whitespace collapsed and typographic apostrophes made plain."""
    return " ".join(soup.get_text().split()).replace("\u2019", "'")


def _table_with_header(
    soup: BeautifulSoup, *first: str
) -> tuple[list[str], list[list[str]]]:
    """The output table whose header starts with the columns ``first``."""
    for table in soup.select("div.cell_output table"):
        head = [_text(th) for th in table.select("thead th")]
        if tuple(head[: len(first)]) == first:
            rows = [
                [_text(td) for td in tr.select("td")] for tr in table.select("tbody tr")
            ]
            return head, rows
    pytest.fail(f"no output table whose header starts with {first!r}")


def test_index_links_the_page(site: Path) -> None:
    soup = _page(site, "index")
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert f"{PAGE}.html" in links


def test_the_table_has_every_rule_and_checker(site: Path) -> None:
    head, rows = _table_with_header(_page(site, PAGE), "rule", "what it does")
    assert head == ["rule", "what it does", *CHECKERS]
    wrong = [r for r in rows if r[0].endswith("(wrong)")]
    right = [r for r in rows if r[0].endswith("(right)")]
    assert len(wrong) >= 10
    assert len(right) >= 5
    assert len(wrong) + len(right) == len(rows)
    for row in rows:
        assert len(row) == 2 + len(CHECKERS)
        for cell in row[2:]:
            assert re.fullmatch(
                r"(caught|missed|passed|false alarm|error \(\w+\)), \d+\.\d\d s|n/a",
                cell,
            ), (row[0], cell)
    for row in wrong:
        assert not any(c.startswith(("passed", "false alarm")) for c in row[2:]), row
    for row in right:
        assert not any(c.startswith(("caught", "missed")) for c in row[2:]), row
    # This project's checks catch every wrong rule and flag no right one.
    for row in wrong:
        assert row[2].startswith("caught"), row
    for row in right:
        assert row[2].startswith("passed"), row
        assert row[3].startswith("passed"), row
    names = {r[0].rsplit(" (", 1)[0] for r in rows}
    assert {"sign", "transpose", "conjugate", "second order", "swapped leaves"} <= names


def test_the_counts_match_the_table(site: Path) -> None:
    soup = _page(site, PAGE)
    _, rows = _table_with_header(soup, "rule", "what it does")
    head, counts = _table_with_header(soup, "checker", "wrong rules caught")
    assert head[:2] == ["checker", "wrong rules caught"]
    assert [c[0] for c in counts] == list(CHECKERS)
    n_wrong = sum(r[0].endswith("(wrong)") for r in rows)
    n_right = len(rows) - n_wrong
    caught = {}
    for i, checker in enumerate(CHECKERS):
        column = [r[2 + i] for r in rows]
        caught[checker] = sum(c.startswith("caught") for c in column)
        alarms = sum(c.startswith("false alarm") for c in column)
        assert counts[i][1] == f"{caught[checker]} of {n_wrong}"
        assert counts[i][3] == f"{alarms} of {n_right}"
        assert counts[i][4] == str(sum(c == "n/a" for c in column))
    text = _text(soup)
    match = re.search(
        r"Of the (\d+) wrong rules, check_custom_rule caught (\d+), check_autodiff (\d+), "
        r"check_grads (\d+) and SciPy's check_grad (\d+) \(it does not apply to (\d+) of",
        text,
    )
    assert match, "the sentence with the counts is missing"
    numbers = [int(g) for g in match.groups()]
    assert numbers[0] == n_wrong
    assert numbers[1:5] == [caught[c] for c in CHECKERS]
    assert numbers[5] == sum(r[5] == "n/a" for r in rows)


def test_the_generated_claims_are_shown(site: Path) -> None:
    text = _text(_page(site, PAGE))
    assert (
        "Only this project's checks caught" in text
        or "Every wrong rule was also" in text
    )
    assert re.search(r"None of the four raised a false alarm|False alarms: ", text)
    assert re.search(
        r"The rule right to first order only was caught by .*missed by scipy check_grad\.",
        text,
    )
    assert re.search(
        r"At that point the largest component is -?\d+\.\d\d, (below|above) 2", text
    )
    match = re.search(
        r"The rule and the code agree to (\S+) \((\d+) units of .{1,30}?\): a rule wrong",
        text,
    )
    assert match
    rounding = float(match.group(1))
    assert rounding < 1e-14
    match = re.search(r"The differences agree to (\S+) at best", text)
    assert match
    assert float(match.group(1)) > 100 * rounding
    assert re.search(
        r"check_custom_rule at 64 inputs and two orders took \d+\.\d\d times as long as "
        r"check_grads at one point",
        text,
    )
    assert re.search(r"Measured on \d+ \w+ devices? \(.*\), JAX ", text)


def test_check_grads_is_shown_raising(site: Path) -> None:
    soup = _page(site, PAGE)
    tagged = soup.select("div.cell.tag_raises-exception")
    assert len(tagged) == 1
    cell = tagged[0].get_text()
    assert "check_grads(sign_rule.f, (x,), order=2)" in cell
    assert "AssertionError" in cell
    assert "Traceback" not in _text(soup).replace(_text(tagged[0]), "")


def test_the_page_has_the_structure_of_the_site(site: Path) -> None:
    soup = _page(site, PAGE)
    text = _text(soup)
    assert text.count("What you will learn.") == 1
    headings = [_text(h).rstrip("#") for h in soup.select("section > h2")]
    assert headings[0] == "The four checkers"
    assert headings[-1] == "Why it matters"
    assert soup.select("a[href='checking-derivative-rules.html']")
    assert soup.select("a[href='custom-rules.html']")
    # The result of check_custom_rule renders as the library's coloured table.
    assert soup.select("table.autodiff-check-failed")
