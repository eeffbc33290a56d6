"""The built site in a real browser: headless Chromium, driven by Playwright.

Debian's ``chromium`` is used (``playwright install`` cannot download a browser
offline). Without a browser these tests skip with a loud reason, except under
``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from .screenshot import CHROMIUM_ARGS

pytestmark = [pytest.mark.site, pytest.mark.slow]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    executable = _chromium()
    if executable is None:
        message = (
            "NO BROWSER: Debian's chromium was not found (install it with "
            "`apt-get install chromium`, or set CHROMIUM=/path/to/chromium); "
            "the browser tests did not run."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(site: Path) -> Path:
    folder = site.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


def _is_local(url: str, base_url: str) -> bool:
    return url.startswith(base_url)


@pytest.fixture(scope="session")
def crawl(browser, base_url: str, screenshots: Path):  # type: ignore[no-untyped-def]
    """Visit every page reachable from the index; record problems and take screenshots."""
    visited: dict[str, dict[str, object]] = {}
    queue = [urljoin(base_url, "index.html")]
    while queue:
        url = queue.pop(0)
        if url in visited:
            continue
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        failed: list[str] = []
        page.on(
            "console",
            lambda m, e=errors: e.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        page.on(
            "requestfailed",
            lambda r, f=failed: f.append(r.url) if _is_local(r.url, base_url) else None,
        )
        page.on(
            "response",
            lambda r, f=failed: (
                f.append(f"{r.status} {r.url}")
                if r.status >= 400 and _is_local(r.url, base_url)
                else None
            ),
        )
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(200)
        sizes = page.eval_on_selector_all(
            "article img, article svg:not(.fa-svg-inline--fa)",
            "els => els.filter(e => !e.closest('mjx-container, .headerlink, button'))"
            ".map(e => { const r = e.getBoundingClientRect();"
            " return [e.getAttribute('src') || e.tagName, r.width, r.height]; })",
        )
        copy_buttons = page.locator("button.copybtn").count()
        code_blocks = page.locator("div.highlight pre").count()
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        name = urlparse(url).path.lstrip("/").replace("/", "__") or "index.html"
        page.screenshot(
            path=str(screenshots / f"{Path(name).stem}.png"), full_page=True
        )
        page.close()
        visited[url] = {
            "errors": errors,
            "failed": failed,
            "sizes": sizes,
            "copy_buttons": copy_buttons,
            "code_blocks": code_blocks,
        }
        for link in links:
            target = link.split("#")[0].split("?")[0]
            if (
                _is_local(target, base_url)
                and target.endswith(".html")
                and "/_sources/" not in target
                and target not in visited
            ):
                queue.append(target)
    return visited


def test_every_page_loads_without_errors(crawl) -> None:  # type: ignore[no-untyped-def]
    problems = {
        url: (v["errors"], v["failed"])
        for url, v in crawl.items()
        if v["errors"] or v["failed"]
    }
    assert not problems, problems


def test_navigation_reaches_every_page(crawl, site: Path) -> None:  # type: ignore[no-untyped-def]
    # Every page made from a source: not the theme's templates in _static, nor the
    # generated index and search pages, which the search box and API links reach.
    special = {"genindex.html", "py-modindex.html", "search.html"}
    built = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not {"_sources", "_static"} & set(p.parts) and p.name not in special
    }
    reached = {urlparse(u).path.lstrip("/") for u in crawl}
    assert built - reached == set()


def test_every_image_has_a_size(crawl) -> None:  # type: ignore[no-untyped-def]
    empty = [
        (url, src)
        for url, v in crawl.items()
        for src, w, h in v["sizes"]
        if not (w > 0 and h > 0)
    ]
    assert not empty, empty


def test_code_blocks_have_copy_buttons(crawl) -> None:  # type: ignore[no-untyped-def]
    pages_with_code = [v for v in crawl.values() if v["code_blocks"]]
    assert pages_with_code
    for v in pages_with_code:
        assert v["copy_buttons"] >= 1


def test_screenshots_are_saved(crawl, screenshots: Path) -> None:  # type: ignore[no-untyped-def]
    shots = list(screenshots.glob("*.png"))
    assert len(shots) >= len(crawl)
    assert all(p.stat().st_size > 10_000 for p in shots)


def test_search_finds_the_hessians_page(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(urljoin(base_url, "search.html?q=hessian"), wait_until="networkidle")
    page.wait_for_selector("#search-results ul.search li", timeout=15_000)
    hits = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.href)"
    )
    page.close()
    assert any(urlparse(h).path.endswith("/hessians.html") for h in hits), hits
