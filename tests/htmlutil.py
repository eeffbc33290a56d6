"""Reading the built site: pages, executed cells and their outputs."""

from __future__ import annotations

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
