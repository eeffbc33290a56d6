"""The built site in a real browser: headless Chromium, driven by Playwright.

Debian's ``chromium`` is used (``playwright install`` cannot download a browser
offline). Without a browser these tests skip with a loud reason, except under
``CI=true``, where a missing browser is a failure.
"""

from __future__ import annotations

import doctest
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from autodiff_cookbook import check_gradient

from .screenshot import CHROMIUM_ARGS, MODES, open_in_mode, shot_name

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
        # viewcode's highlighted sources (_modules/) are long and look alike: no shot.
        shot = "/_modules/" not in url
        if shot:
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
            "screenshot": shot,
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
    # Nor viewcode's overview of the highlighted sources, which no page links (each
    # source page is reached from the [source] links of its entries).
    special = {"genindex.html", "py-modindex.html", "search.html"}
    built = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not {"_sources", "_static"} & set(p.parts)
        and p.name not in special
        and p.relative_to(site).as_posix() != "_modules/index.html"
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
    assert len(shots) >= sum(1 for v in crawl.values() if v["screenshot"])
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


# -- copy buttons ---------------------------------------------------------------

# sphinx-copybutton's copyTargetText(button) and its helpers, taken from the
# site's copybutton.js (where they are local to a callback) and run on the button.
_COPY_TARGET_TEXT_JS = """
async (button) => {
  const script = document.querySelector('script[src*="copybutton.js"]');
  const source = await (await fetch(script.src)).text();
  // the definitions from escapeRegExp() (the helpers) to copyTargetText()
  const definition = source.match(
    /function escapeRegExp[\\s\\S]*?var copyTargetText = [\\s\\S]*?\\n}\\n/)[0];
  return new Function("b", definition + "; return copyTargetText(b);")(button);
}
"""


def test_copy_button_copies_a_docstring_example_without_prompts_or_outputs(
    browser, base_url: str
) -> None:  # type: ignore[no-untyped-def]
    """check_gradient's example, copied from its API entry, is its code and nothing else."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(
        urljoin(base_url, "generated/autodiff_cookbook.html"), wait_until="networkidle"
    )
    entry = page.locator(
        'dl.py.function:has(> dt[id="autodiff_cookbook.check_gradient"])'
    )
    block = entry.locator("div.doctest div.highlight").first
    shown = block.locator("pre").inner_text()
    assert ">>> " in shown
    assert "True 64 float64 True" in shown  # an output line, shown but not copied
    button = block.locator("button.copybtn")
    # What the button hands to the clipboard: sphinx-copybutton's own function,
    # with this site's settings, as the built copybutton.js defines it. And, where
    # the browser lets a page read it, the clipboard itself after a click.
    handed = button.evaluate(_COPY_TARGET_TEXT_JS)
    block.hover()
    button.click()
    page.wait_for_timeout(200)
    try:
        copied = page.evaluate("navigator.clipboard.readText()")
    except Exception:  # noqa: BLE001 - no clipboard in this browser: the function's text stands
        copied = handed
    context.close()
    examples = doctest.DocTestParser().get_examples(check_gradient.__doc__ or "")
    code = "".join(e.source for e in examples).rstrip("\n")
    assert handed == copied
    assert copied == code, f"copied:\n{copied}\n---\nexpected:\n{code}"
    assert ">>>" not in copied
    assert all(e.want.strip() not in copied for e in examples if e.want.strip())


# -- light and dark modes ---------------------------------------------------------

# WCAG 2 contrast of the text in the elements with colours of their own, as the
# reader sees them: each colour composited over the backgrounds beneath it and
# passed through the CSS filters (brightness, contrast) of its ancestors.
_CONTRAST_JS = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]*)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0] / 255, p[1] / 255, p[2] / 255, p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lin = (c) => c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  const lum = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const clamp = (v) => Math.min(1, Math.max(0, v));
  // The filters of el and its ancestors, innermost first, as [name, amount] pairs.
  const filters = (el) => {
    const found = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const f = getComputedStyle(e).filter;
      if (!f || f === "none") continue;
      for (const m of f.matchAll(/(\\w+)\\(([\\d.]+)\\)/g)) found.push([m[1], Number(m[2])]);
    }
    return found;
  };
  const filtered = (c, fs) => {
    let v = c.slice(0, 3);
    for (const [name, k] of fs) {
      if (name === "brightness") v = v.map(x => clamp(x * k));
      else if (name === "contrast") v = v.map(x => clamp((x - 0.5) * k + 0.5));
      else if (name === "invert") v = v.map(x => clamp(x * (1 - k) + (1 - x) * k));
      else throw new Error("unhandled filter " + name);
    }
    return v.concat([1]);
  };
  // The background beneath el: its own and its ancestors' colours, composited.
  const background = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
      if (c && c[3] === 1) break;
    }
    let bg = [1, 1, 1, 1];  // the canvas
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const results = [];
  const record = (what, el, fg, bg) => {
    const fs = filters(el);
    results.push({what, text: el.textContent.trim().slice(0, 40),
                  ratio: ratio(filtered(fg, fs), filtered(bg, fs))});
  };
  for (const cell of document.querySelectorAll("table.autodiff-check th, table.autodiff-check td")) {
    if (!cell.textContent.trim()) continue;
    const bg = background(cell);
    record("table", cell, over(parse(getComputedStyle(cell).color), bg), bg);
  }
  // SVG text: over the last filled shape drawn before it that contains its centre.
  for (const svg of document.querySelectorAll("svg.autodiff-graph")) {
    const shapes = [...svg.querySelectorAll("polygon, ellipse, path, rect, circle")];
    for (const text of svg.querySelectorAll("text")) {
      const r = text.getBoundingClientRect();
      const [x, y] = [r.left + r.width / 2, r.top + r.height / 2];
      let bg = background(svg);
      for (const s of shapes) {
        if (!(s.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
        const b = s.getBoundingClientRect();
        const fill = parse(getComputedStyle(s).fill);
        if (fill && fill[3] > 0 && x >= b.left && x <= b.right && y >= b.top && y <= b.bottom)
          bg = over(fill, bg);
      }
      record("graph", text, over(parse(getComputedStyle(text).fill), bg), bg);
    }
  }
  return results;
}
"""

# Images (the plots): their background pixel and their darkest pixel (the text of a
# matplotlib figure), each through the image's filters, against each other.
_IMAGE_JS = """
async () => {
  const out = [];
  for (const img of document.querySelectorAll("div.cell_output img")) {
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let darkest = [1, 1, 1], dark = 3;
    for (let i = 0; i < data.length; i += 4) {
      const s = data[i] + data[i + 1] + data[i + 2];
      if (data[i + 3] === 255 && s / 255 < dark) {
        dark = s / 255; darkest = [data[i], data[i + 1], data[i + 2]].map(v => v / 255);
      }
    }
    out.push({src: img.getAttribute("src"), corner: [...data.slice(0, 4)],
              darkest, filter: getComputedStyle(img).filter});
  }
  return out;
}
"""

_LOOK_PAGES = {
    # page: what it must show (selector) for the check to mean something
    "checking-gradients.html": ("table.autodiff-check", "div.cell_output img"),
    "checking-derivative-rules.html": ("table.autodiff-check",),
    "control-flow.html": ("table.autodiff-check", "div.cell_output img"),
    "checkpointing.html": ("table.autodiff-check", "div.cell_output img"),
    "implicit-differentiation.html": ("table.autodiff-check", "div.cell_output img"),
    "computation-graph.html": ("svg.autodiff-graph text",),
    "autodiff-from-scratch.html": ("table.autodiff-check",),
    "sparse-jacobians.html": ("table.autodiff-check", "div.cell_output img"),
    "gauss-newton.html": ("table.autodiff-check", "div.cell_output img"),
    "spectral-degeneracy.html": ("table.autodiff-check", "div.cell_output img"),
    "taylor-mode.html": ("table.autodiff-check", "div.cell_output img"),
}


def _wcag(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def lum(c: tuple[float, ...]) -> float:
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _through(colour: tuple[float, ...], css_filter: str) -> tuple[float, ...]:
    """``colour`` (0..1 channels) through a CSS filter of brightness() and contrast()."""
    out = list(colour)
    for name, amount in re.findall(r"(\w+)\(([\d.]+)\)", css_filter or ""):
        k = float(amount)
        if name == "brightness":
            out = [min(1.0, max(0.0, v * k)) for v in out]
        elif name == "contrast":
            out = [min(1.0, max(0.0, (v - 0.5) * k + 0.5)) for v in out]
        else:
            msg = f"unhandled filter {name}"
            raise AssertionError(msg)
    return tuple(out)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(_LOOK_PAGES))
def test_outputs_with_colours_of_their_own_are_readable(
    browser, base_url: str, screenshots: Path, name: str, mode: str
) -> None:  # type: ignore[no-untyped-def]
    """CheckResult tables, plots and graph SVGs: text contrast >= 4.5 (WCAG AA), both modes."""
    page = open_in_mode(browser, urljoin(base_url, name), mode)
    for selector in _LOOK_PAGES[name]:
        assert page.locator(selector).count() > 0, f"{name}: no {selector}"
    texts = page.evaluate(_CONTRAST_JS)
    images = page.evaluate(_IMAGE_JS)
    page.screenshot(path=str(screenshots / shot_name(name, mode)), full_page=True)
    page.context.close()
    assert texts
    low = [t for t in texts if t["ratio"] < 4.5]
    assert not low, f"{name} ({mode}): text below contrast 4.5: {low[:10]}"
    for image in images:
        # A figure keeps its own opaque light background in both modes ...
        red, green, blue, alpha = image["corner"]
        assert alpha == 255, image
        assert min(red, green, blue) >= 230, image
        # ... and its text (its darkest pixels) stays readable through the filter
        # the theme applies to images in dark mode.
        background = _through((red / 255, green / 255, blue / 255), image["filter"])
        text = _through(tuple(image["darkest"]), image["filter"])
        assert _wcag(text, background) >= 4.5, image
