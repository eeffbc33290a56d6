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


API_INDEX = """\
# Index

```{eval-rst}
.. autosummary::
   :toctree: generated

   probe_api
```
"""


def test_api_pages_are_generated_again_only_when_their_inputs_change(
    tmp_path: Path,
) -> None:
    docs = copy_docs_skeleton(tmp_path / "docs")
    (docs / "index.md").write_text(API_INDEX, encoding="utf-8")
    package = tmp_path / "probe" / "probe_api"
    package.mkdir(parents=True)
    source = '''"""A module documented by autosummary."""

__all__ = {names!r}


def first() -> int:
    """The first value."""
    return 1


def second() -> int:
    """The second value."""
    return 2
'''
    (package / "__init__.py").write_text(source.format(names=["first"]), "utf-8")
    env = {
        "PYTHONPATH": str(tmp_path / "probe"),
        "AUTODIFF_COOKBOOK_WATCH": "probe_api",
    }
    out = tmp_path / "html"
    generating = "[autosummary] generating autosummary for"

    def build() -> str:
        result = build_site(docs, out, env=env)
        log = result.stdout + result.stderr
        assert result.returncode == 0, log
        return log

    def documented() -> set[str]:
        html = (out / "generated" / "probe_api.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        return {tag["id"].rsplit(".", 1)[-1] for tag in soup.select("dt[id]")}

    assert generating in build()
    assert documented() == {"first"}
    # Nothing changed: the stubs are not generated again.
    assert generating not in build()
    # The package changed: the stub follows it.
    (package / "__init__.py").write_text(
        source.format(names=["first", "second"]), "utf-8"
    )
    assert generating in build()
    assert documented() == {"first", "second"}
    assert generating not in build()
    # A stub removed by hand is written again.
    (docs / "generated" / "probe_api.rst").unlink()
    assert generating in build()
    assert documented() == {"first", "second"}
