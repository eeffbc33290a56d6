"""Conventions readers of JAX's docs expect: [source] links, a canonical URL and a sitemap."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from .conftest import build_site, copy_docs_skeleton
from .htmlutil import soup

pytestmark = pytest.mark.site

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _source_link(site: Path, page: str, entry: str) -> str | None:
    dt = soup(site / page).find("dt", id=entry)
    assert dt is not None, f"{page}: no entry {entry}"
    link = dt.select_one("a:has(> .viewcode-link)")
    return None if link is None else str(link["href"])


def test_every_api_entry_links_to_its_source(site: Path) -> None:
    pages = sorted((site / "generated").glob("*.html"))
    assert pages
    missing, broken, entries = [], [], 0
    for page in pages:
        for dt in soup(page).select("dl.py > dt[id]"):
            entries += 1
            link = dt.select_one("a:has(> .viewcode-link)")
            if link is None:
                missing.append(dt["id"])
                continue
            target, _, anchor = str(link["href"]).partition("#")
            source = (page.parent / target).resolve()
            if not source.is_file() or soup(source).find(id=anchor) is None:
                broken.append((dt["id"], link["href"]))
    assert entries > 100
    assert not missing, f"API entries without a [source] link: {missing}"
    assert not broken, f"[source] links to no code: {broken}"


@pytest.mark.parametrize(
    ("page", "entry", "module", "definition"),
    [
        (
            "autodiff_cookbook.html",
            "autodiff_cookbook.check_gradient",
            "autodiff_cookbook/_checks",
            "def check_gradient(",
        ),
        (
            "autodiff_cookbook.html",
            "autodiff_cookbook.CheckResult.ok",
            "autodiff_cookbook/_result",
            "ok:",
        ),
        (
            "autodiff_cookbook.domains.html",
            "autodiff_cookbook.domains.spd",
            "autodiff_cookbook/domains/_matrices",
            "def spd(",
        ),
        (
            "autodiff_cookbook.catalogue.html",
            "autodiff_cookbook.catalogue.Identity",
            "autodiff_cookbook/catalogue/_entry",
            "class Identity",
        ),
        (
            "autodiff_cookbook.examples.gradients.html",
            "autodiff_cookbook.examples.gradients.quadratic",
            "autodiff_cookbook/examples/gradients",
            "def quadratic(",
        ),
    ],
)
def test_source_link_leads_to_the_defining_module(
    site: Path, page: str, entry: str, module: str, definition: str
) -> None:
    """An entry documented under its public path links to the code where it is defined."""
    href = _source_link(site, f"generated/{page}", entry)
    assert href is not None, entry
    target, _, anchor = href.partition("#")
    assert target == f"../_modules/{module}.html"
    block = soup(site / "generated" / target).find(id=anchor)
    assert block is not None
    assert definition in block.get_text()


def test_canonical_link_and_sitemap_only_with_a_base_url(site: Path) -> None:
    """With html_baseurl (Read the Docs' canonical URL): both; without: neither."""
    canonical = soup(site / "index.html").select_one('link[rel="canonical"]')
    sitemap = site / "sitemap.xml"
    if canonical is None:
        assert not sitemap.exists()
        return
    base = str(canonical["href"]).removesuffix("index.html")
    urls = [loc.text for loc in ET.parse(sitemap).getroot().iter(f"{SITEMAP}loc")]
    assert f"{base}index.html" in urls
    assert f"{base}generated/autodiff_cookbook.html" in urls
    assert not any("/_modules/" in u or u.endswith("search.html") for u in urls)


INDEX = """\
# Index

```{toctree}
page
```
"""

PAGE = """\
# A page

Text.
"""


@pytest.mark.slow
@pytest.mark.parametrize("canonical", [None, "https://example.org/en/latest"])
def test_canonical_url_comes_from_read_the_docs(
    tmp_path: Path, canonical: str | None
) -> None:
    """READTHEDOCS_CANONICAL_URL gives html_baseurl and a sitemap; its absence, neither."""
    source = copy_docs_skeleton(tmp_path / "docs")
    (source / "index.md").write_text(INDEX, encoding="utf-8")
    (source / "page.md").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "html"
    result = build_site(source, out, env={"READTHEDOCS_CANONICAL_URL": canonical or ""})
    assert result.returncode == 0, result.stderr[-4000:]
    link = soup(out / "page.html").select_one('link[rel="canonical"]')
    if canonical is None:
        assert link is None
        assert not (out / "sitemap.xml").exists()
        return
    base = canonical.rstrip("/") + "/"
    assert link is not None
    assert link["href"] == f"{base}page.html"
    root = ET.parse(out / "sitemap.xml").getroot()
    urls = sorted(loc.text or "" for loc in root.iter(f"{SITEMAP}loc"))
    assert urls == [f"{base}index.html", f"{base}page.html"]
