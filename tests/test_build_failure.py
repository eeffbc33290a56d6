"""The docs build fails loudly, naming the page and the cell, when a cell raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import build_site, copy_docs_skeleton

BROKEN_PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# A broken page

```{code-cell} ipython3
x = 1
```

```{code-cell} ipython3
raise RuntimeError("this cell is broken on purpose")
```
"""

INDEX = """\
# Index

```{toctree}
broken_page
```
"""


@pytest.mark.slow
def test_build_fails_naming_page_and_cell(tmp_path: Path) -> None:
    source = copy_docs_skeleton(tmp_path / "docs")
    (source / "index.md").write_text(INDEX, encoding="utf-8")
    (source / "broken_page.md").write_text(BROKEN_PAGE, encoding="utf-8")

    result = build_site(source, tmp_path / "html")
    output = result.stdout + result.stderr

    assert result.returncode != 0, output
    assert "broken_page" in output
    assert 'raise RuntimeError("this cell is broken on purpose")' in output
    assert "RuntimeError" in output
