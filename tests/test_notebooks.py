"""Every page downloads as a Jupyter notebook that runs top to bottom."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import DOCS

pytestmark = [pytest.mark.site, pytest.mark.slow]

PAGES = sorted(
    p.stem
    for p in DOCS.glob("*.md")
    if "file_format: mystnb" in p.read_text(encoding="utf-8")
)


def test_every_notebook_page_is_offered_for_download(site: Path) -> None:
    for name in PAGES:
        html = (site / f"{name}.html").read_text(encoding="utf-8")
        assert f'href="_sources/{name}.ipynb"' in html, (
            f"{name}.html offers no .ipynb download"
        )


@pytest.mark.parametrize("name", PAGES)
def test_downloaded_notebook_runs_top_to_bottom(
    site: Path, name: str, tmp_path: Path
) -> None:
    notebook = nbformat.read(site / "_sources" / f"{name}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    # Cells tagged `raises-exception` may raise; any other error fails the run.
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": tmp_path}},
    )
    client.execute()
    executed = [c for c in notebook.cells if c.cell_type == "code"]
    assert executed
    assert all(c.execution_count is not None for c in executed)
