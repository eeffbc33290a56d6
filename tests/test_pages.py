"""The page rules: every executed page ends with "Why it matters" and checks its claims.

A claim about an output is checked by the build when it is a glued number
(``{glue:text}`` in the prose, ``glue(...)`` in a cell) or an ``assert`` in a
cell the reader does not see (tagged ``remove-cell``): if the output changes,
the build fails instead of the page lying. Run this file as a script to print
the count of checked claims per page.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_TAGS = re.compile(r"^:tags:\s*\[(.*?)\]\s*$", re.MULTILINE)


def executed_pages() -> list[Path]:
    """The MyST text notebooks of the site, which the build executes."""
    return sorted(
        p
        for p in DOCS.glob("*.md")
        if "file_format: mystnb" in p.read_text(encoding="utf-8")
    )


def _cells(text: str) -> list[tuple[set[str], str]]:
    """Each code cell's tags and source (the option lines removed)."""
    cells = []
    for body in _CELL.findall(text):
        tags = {
            t.strip().strip("'\"")
            for m in _TAGS.findall(body)
            for t in m.split(",")
            if t.strip()
        }
        source = "\n".join(
            line for line in body.splitlines() if not line.startswith(":")
        )
        cells.append((tags, source))
    return cells


def _calls(source: str, name: str) -> int:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: count textually
        return source.count(f"{name}(")
    return sum(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == name
        for node in ast.walk(tree)
    )


def _asserts(source: str) -> int:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return len(re.findall(r"^\s*assert\b", source, re.MULTILINE))
    return sum(isinstance(node, ast.Assert) for node in ast.walk(tree))


def checked_claims(page: Path) -> dict[str, int]:
    """How many claims of a page the build checks, by how."""
    text = page.read_text(encoding="utf-8")
    cells = _cells(text)
    hidden = [source for tags, source in cells if "remove-cell" in tags]
    return {
        "hidden asserts": sum(_asserts(s) for s in hidden),
        "glued values": sum(_calls(s, "glue") for _, s in cells),
        "glue references": len(re.findall(r"\{glue(?::text)?\}`", text)),
    }


@pytest.fixture(params=executed_pages(), ids=lambda p: p.stem)
def page(request: pytest.FixtureRequest) -> Path:
    return Path(request.param)


def test_there_are_pages() -> None:
    assert len(executed_pages()) >= 15


def test_every_page_ends_with_why_it_matters(page: Path) -> None:
    headings = re.findall(
        r"^##\s+(.+?)\s*$", page.read_text(encoding="utf-8"), re.MULTILINE
    )
    assert headings, f"{page.name} has no sections"
    assert headings[-1] == "Why it matters", (
        f"{page.name} must end with a '## Why it matters' section, not {headings[-1]!r}"
    )


def test_every_page_checks_its_claims_in_hidden_cells(page: Path) -> None:
    counts = checked_claims(page)
    assert counts["hidden asserts"] >= 1, (
        f"{page.name} asserts no claim in a hidden (remove-cell) cell"
    )


def test_glue_and_assertions_stay_out_of_the_code_readers_copy(page: Path) -> None:
    visible = [
        source
        for tags, source in _cells(page.read_text(encoding="utf-8"))
        if not tags & {"remove-cell", "remove-input"}
    ]
    offenders = [
        s.strip().splitlines()[0] for s in visible if _calls(s, "glue") or _asserts(s)
    ]
    assert not offenders, (
        f"{page.name}: glue() calls and assertions belong in hidden cells "
        f"(tag remove-cell); visible cells starting with: {offenders}"
    )


def test_the_counter_sees_a_hidden_assertion(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        "```{code-cell} ipython3\n:tags: [remove-cell]\nassert 1 + 1 == 2\n"
        "glue('x', 2, display=False)\n```\n\nIt is {glue:text}`x`.\n",
        encoding="utf-8",
    )
    assert checked_claims(page) == {
        "hidden asserts": 1,
        "glued values": 1,
        "glue references": 1,
    }


if __name__ == "__main__":
    print(f"{'page':<28} {'hidden asserts':>14} {'glued':>6} {'glue refs':>9}")
    for p in executed_pages():
        c = checked_claims(p)
        print(
            f"{p.stem:<28} {c['hidden asserts']:>14} {c['glued values']:>6} "
            f"{c['glue references']:>9}"
        )
