"""Fresh outputs: what changes is re-executed, and only what changes.

Each test builds a small copy of the site in a temporary folder, with pages that
import a throwaway package ``probe_pkg`` that the build watches in place of
``autodiff_cookbook`` (``AUTODIFF_COOKBOOK_WATCH``), so the real package is never
edited.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import build_site, copy_docs_skeleton

pytestmark = pytest.mark.slow

PAGE = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Page {name}

```{{code-cell}} ipython3
import probe_pkg

print("{name} sees", probe_pkg.VALUE * {factor})
```
"""

INDEX = """\
# Index

```{toctree}
page_a
page_b
```
"""


class Site:
    """A two-page site in a temporary folder, built incrementally into one output folder."""

    def __init__(self, root: Path) -> None:
        self.docs = copy_docs_skeleton(root / "docs")
        self.out = root / "html"
        self.package = root / "probe" / "probe_pkg"
        self.package.mkdir(parents=True)
        self.set_value(1)
        (self.docs / "index.md").write_text(INDEX, encoding="utf-8")
        self.write_page("a", 10)
        self.write_page("b", 100)
        self.env = {
            "PYTHONPATH": str(root / "probe"),
            "AUTODIFF_COOKBOOK_WATCH": "probe_pkg",
        }

    def set_value(self, value: int) -> None:
        (self.package / "__init__.py").write_text(
            f"VALUE = {value}\n", encoding="utf-8"
        )

    def write_page(self, name: str, factor: int) -> None:
        page = PAGE.format(name=name, factor=factor)
        (self.docs / f"page_{name}.md").write_text(page, encoding="utf-8")

    def build(self) -> str:
        result = build_site(self.docs, self.out, env=self.env)
        log = result.stdout + result.stderr
        assert result.returncode == 0, log
        return log

    def output(self, name: str) -> str:
        html = (self.out / f"page_{name}.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        return " ".join(
            div.get_text(" ", strip=True) for div in soup.select("div.cell_output")
        )


def _executed(log: str) -> set[str]:
    """The pages that a build log says were executed (not taken from the cache)."""
    return set(re.findall(r"page_(\w)\.md: Executing notebook", log))


def test_package_change_reaches_every_page_and_only_changes_re_execute(
    tmp_path: Path,
) -> None:
    site = Site(tmp_path)

    first = site.build()
    assert _executed(first) == {"a", "b"}
    assert site.output("a") == "a sees 10"

    # Nothing changed: nothing is read again, nothing executes.
    unchanged = site.build()
    assert "0 added, 0 changed, 0 removed" in unchanged
    assert _executed(unchanged) == set()

    # One page changed: only that page executes.
    site.write_page("b", 1000)
    one_page = site.build()
    assert _executed(one_page) == {"b"}
    assert site.output("b") == "b sees 1000"
    assert site.output("a") == "a sees 10"

    # The package changed: every page that imports it shows the new value.
    site.set_value(2)
    package = site.build()
    assert _executed(package) == {"a", "b"}
    assert site.output("a") == "a sees 20"
    assert site.output("b") == "b sees 2000"
