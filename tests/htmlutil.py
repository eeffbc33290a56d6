"""Reading the built site: pages, executed cells and their outputs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

# Cells tagged `measured` print timings: they differ between builds by design.
MEASURED_TAG = "measured"


@dataclass(frozen=True)
class CellOutput:
    """One executed code cell of a built page."""

    index: int
    tags: frozenset[str]
    text: str
    images: int

    @property
    def measured(self) -> bool:
        return MEASURED_TAG in self.tags


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def notebook_pages(site: Path) -> list[Path]:
    """The built pages that came from executed notebooks."""
    return sorted(p for p in site.glob("*.html") if soup(p).select_one("div.cell"))


def cells(page: Path) -> list[CellOutput]:
    result = []
    for index, cell in enumerate(soup(page).select("div.cell")):
        assert isinstance(cell, Tag)
        classes = cell.get("class") or []
        tags = frozenset(
            c.removeprefix("tag_") for c in classes if c.startswith("tag_")
        )
        outputs = cell.select("div.cell_output")
        text = "\n".join(o.get_text() for o in outputs)
        images = sum(len(o.select("img, svg")) for o in outputs)
        result.append(CellOutput(index, tags, text, images))
    return result


# -- one page's text, for the site tests of each page ---------------------------

#: How a device label reads, e.g. "1 CPU device (cpu), JAX 0.10.2".
DEVICE = re.compile(r"\d+ [A-Z]+ devices? \([^)]*\), JAX \d+\.\d+")


def page(site: Path, name: str) -> BeautifulSoup:
    """The built page ``name`` (without .html), parsed; fails if it was not built."""
    path = site / f"{name}.html"
    assert path.is_file(), f"{name}.html is missing from the built site"
    return soup(path)


def outputs(page_soup: BeautifulSoup) -> str:
    """The text of every cell output of a page, one output after the other."""
    return "\n".join(div.get_text() for div in page_soup.select("div.cell_output"))


def prose(page_soup: BeautifulSoup) -> str:
    """The page's text outside its code cells, whitespace collapsed (removes the cells)."""
    main = page_soup.select_one("article") or page_soup
    for cell in main.select("div.cell"):
        cell.decompose()
    return " ".join(main.get_text().split())
