"""Take full-page screenshots of built pages, in the theme's light and dark modes.

Usage::

    python tests/screenshot.py SITE OUT_DIR [PAGE ...] [--modes light,dark] [--width 1280]

SITE is a built HTML site (the folder holding index.html); each PAGE is a path
inside it, with or without ``.html`` (default: the pages whose outputs have a
look of their own: checking-gradients, computation-graph, api and
generated/autodiff_cookbook). For each page and mode, ``OUT_DIR`` receives
``<page>-<mode>.png`` (``/`` in a page's path becomes ``__``).

Debian's chromium is driven by Playwright for Python (``playwright install``
cannot download browsers offline). The site is served over HTTP, so that a page
loads exactly as a reader's browser would load it. The colour mode is chosen as
a reader chooses it, through pydata-sphinx-theme's ``localStorage`` keys, before
the page loads; tests/test_browser.py uses the same helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
MODES = ("light", "dark")
DEFAULT_PAGES = (
    "checking-gradients",
    "computation-graph",
    "api",
    "generated/autodiff_cookbook",
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on a free local port; yield its base URL (ending with ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def mode_script(mode: str) -> str:
    """JavaScript that makes pydata-sphinx-theme open the next page in ``mode``.

    The theme reads the keys ``mode`` (the reader's choice) and ``theme`` (the
    mode applied) from ``localStorage`` before it paints.
    """
    if mode not in MODES:
        msg = f"mode must be one of {MODES}, not {mode!r}"
        raise ValueError(msg)
    return f'localStorage.setItem("mode", "{mode}"); localStorage.setItem("theme", "{mode}");'


def open_in_mode(browser: Any, url: str, mode: str, width: int = 1280) -> Any:
    """Open ``url`` in a new page of ``browser`` in colour ``mode``; return the page.

    The page has loaded, MathJax has had time to typeset, and the theme applied
    ``mode`` (checked: ``<html data-theme>``).
    """
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(mode_script(mode))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)  # let MathJax typeset
    applied = page.evaluate("document.documentElement.dataset.theme")
    if applied != mode:
        msg = f"{url}: asked for the {mode} mode, the theme applied {applied!r}"
        raise RuntimeError(msg)
    return page


def shot_name(page: str, mode: str) -> str:
    """The file name of the screenshot of ``page`` (a path in the site) in ``mode``."""
    stem = page.removesuffix(".html").replace("/", "__")
    return f"{stem}-{mode}.png"


def screenshots(
    site: Path,
    out_dir: Path,
    pages: tuple[str, ...] = DEFAULT_PAGES,
    modes: tuple[str, ...] = MODES,
    width: int = 1280,
) -> list[Path]:
    """Screenshot each page of ``site`` in each mode into ``out_dir``; return the files."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name in pages:
                path = name if name.endswith(".html") else f"{name}.html"
                if not (site / path).is_file():
                    msg = f"{site / path} does not exist: is {site} a built site?"
                    raise FileNotFoundError(msg)
                for mode in modes:
                    page = open_in_mode(browser, base + path, mode, width)
                    out = out_dir / shot_name(name, mode)
                    page.screenshot(path=str(out), full_page=True)
                    page.context.close()
                    written.append(out)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site (holds index.html)")
    parser.add_argument("out_dir", type=Path, help="where the PNGs are written")
    parser.add_argument(
        "pages", nargs="*", default=list(DEFAULT_PAGES), help="pages of the site"
    )
    parser.add_argument("--modes", default=",".join(MODES), help="light,dark")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args(argv)
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    for mode in modes:
        mode_script(mode)  # rejects an unknown mode before starting a browser
    for path in screenshots(
        args.site, args.out_dir, tuple(args.pages), modes, args.width
    ):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
