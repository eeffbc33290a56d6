"""Take a full-page screenshot of a built page with headless Chromium.

Usage: python tests/screenshot.py PAGE.html OUT.png [WIDTH]

Debian's chromium is driven by Playwright for Python (``playwright install``
cannot download browsers offline). The page is served over HTTP from its site
folder, so that it loads exactly as a reader's browser would load it.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def screenshot(page_path: Path, out: Path, width: int = 1280) -> None:
    from playwright.sync_api import sync_playwright

    root = page_path.parent
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": width, "height": 900})
            url = f"http://127.0.0.1:{server.server_address[1]}/{page_path.name}"
            page.goto(url, wait_until="networkidle")
            page.wait_for_timeout(500)  # let MathJax typeset
            page.screenshot(path=str(out), full_page=True)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    screenshot(
        Path(sys.argv[1]),
        Path(sys.argv[2]),
        int(sys.argv[3]) if len(sys.argv) > 3 else 1280,
    )
    print(f"wrote {sys.argv[2]}")
