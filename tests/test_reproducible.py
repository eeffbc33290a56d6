"""Reproducible builds: two clean builds give the same outputs, and leak nothing of the machine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import DOCS, ROOT, build_site
from .htmlutil import cells, notebook_pages, soup

pytestmark = pytest.mark.site


@pytest.fixture(scope="session")
def second_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second clean build of the same sources, with a cache of its own."""
    root = tmp_path_factory.mktemp("second")
    result = build_site(
        DOCS,
        root / "html",
        env={"AUTODIFF_COOKBOOK_JUPYTER_CACHE": str(root / "cache")},
    )
    if result.returncode != 0:
        pytest.fail(f"The second docs build failed:\n{result.stderr[-8000:]}")
    return root / "html"


@pytest.mark.slow
def test_two_clean_builds_give_the_same_outputs(site: Path, second_site: Path) -> None:
    first_pages = notebook_pages(site)
    assert [p.name for p in first_pages] == [
        p.name for p in notebook_pages(second_site)
    ]
    compared = 0
    for page in first_pages:
        first, second = cells(page), cells(second_site / page.name)
        assert len(first) == len(second), page.name
        for a, b in zip(first, second, strict=True):
            assert a.tags == b.tags, (page.name, a.index)
            if a.measured:
                continue
            assert a.text == b.text, (
                f"{page.name}, cell {a.index}: the output differs between two builds "
                f"(tag the cell `measured` if it prints timings):\n{a.text}\n---\n{b.text}"
            )
            assert a.images == b.images, (page.name, a.index)
            compared += 1
    assert compared > 0


def _machine_paths() -> list[str]:
    paths = {str(ROOT), sys.prefix, str(Path.home()), "site-packages"}
    return sorted(p for p in paths if p not in {"", "/"})


def test_html_carries_no_path_of_the_building_machine(site: Path) -> None:
    leaks = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        leaks += [
            f"{page.relative_to(site)}: {p}" for p in _machine_paths() if p in text
        ]
    assert not leaks, "\n".join(leaks)


def test_errors_appear_only_where_shown_on_purpose(site: Path) -> None:
    unexpected = []
    for page in notebook_pages(site):
        for cell in soup(page).select("div.cell"):
            classes = cell.get("class") or []
            if "tag_raises-exception" in classes:
                assert cell.select("div.output.traceback"), (
                    f"{page.name}: tagged cell did not raise"
                )
                continue
            if (
                cell.select("div.output.traceback")
                or "Traceback (most recent" in cell.get_text()
            ):
                unexpected.append(f"{page.name}: {cell.get_text()[:200]}")
    assert not unexpected, "\n".join(unexpected)
