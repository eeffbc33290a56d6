"""Assertions on the built page "Implicit differentiation": checks, agreement, measured plots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site

PAGE = "implicit-differentiation"
# How a device label reads, e.g. "1 CPU device (cpu), JAX 0.10.2".
DEVICE = re.compile(r"\d+ [A-Z]+ devices? \([^)]*\), JAX \d+\.\d+")
SQRT_EPS_64 = 1.5e-8


def _page(site: Path) -> BeautifulSoup:
    path = site / f"{PAGE}.html"
    assert path.is_file(), f"{PAGE}.html is missing from the built site"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _outputs(soup: BeautifulSoup) -> str:
    return "\n".join(div.get_text() for div in soup.select("div.cell_output"))


def _prose(soup: BeautifulSoup) -> str:
    main = soup.select_one("article") or soup
    for cell in main.select("div.cell"):
        cell.decompose()
    return " ".join(main.get_text().split())


def test_page_opens_with_what_you_will_learn_and_ends_with_why_it_matters(
    site: Path,
) -> None:
    soup = _page(site)
    assert "What you will learn." in soup.get_text()
    headings = [h.get_text(strip=True).rstrip("#") for h in soup.select("h2")]
    assert headings[-1] == "Why it matters", headings
    prose = _prose(soup)
    assert "{glue" not in prose
    assert "glue:text" not in prose
    links = {a["href"].split("#")[0] for a in soup.select("a.reference.internal")}
    assert {"control-flow.html", "custom-rules.html"} <= links


def test_every_check_shown_passes_and_the_loose_solver_is_caught(site: Path) -> None:
    soup = _page(site)
    out = _outputs(soup)
    assert len(soup.select("table.autodiff-check-passed")) == 4
    assert not soup.select("table.autodiff-check-failed")
    assert (
        out.count("formula matches autodiff, and autodiff matches finite differences")
        == 4
    ), "Newton's square root and ridge regression, unrolled and implicit"
    assert "JAX's derivatives of f match finite differences and each other" in out
    loose = re.search(
        r"rev mode, order 1, is wrong: jax\.vjp with the rules against without them "
        r"\(relative error (\S+), tolerance (\S+)\)",
        out,
    )
    assert loose, out[:3000]
    assert float(loose.group(1)) > float(loose.group(2).rstrip(")"))


def test_implicit_and_unrolled_gradients_agree_once_the_solver_has_converged(
    site: Path,
) -> None:
    out = _outputs(_page(site))
    unrolled = re.search(r"^gradient, unrolled: (\[.*\])$", out, re.MULTILINE)
    implicit = re.search(r"^gradient, implicit: (\[.*\])$", out, re.MULTILINE)
    assert unrolled
    assert implicit
    u = [float(v) for v in unrolled.group(1).strip("[]").split()]
    i = [float(v) for v in implicit.group(1).strip("[]").split()]
    assert u == pytest.approx(i, rel=1e-5)
    gaps = {
        int(k): float(gap)
        for k, _, gap in re.findall(r"^ ?(\d+) +(\S+) +(\S+)$", out, re.MULTILINE)
        if "e" in gap
    }
    assert sorted(gaps) == [5, 10, 20, 40, 60]
    assert gaps[10] > SQRT_EPS_64 > gaps[60]
    hyper = dict(
        re.findall(r"^d V / d log\(lambda\), (.+?): +(\S+)$", out, re.MULTILINE)
    )
    assert set(hyper) == {"unrolled", "implicit", "closed form"}
    values = [float(v) for v in hyper.values()]
    assert max(values) - min(values) < 1e-5 * abs(values[0])


def test_memory_and_time_are_measured_and_plotted(site: Path) -> None:
    soup = _page(site)
    out = _outputs(soup)
    assert DEVICE.search(out)
    rows = re.findall(
        r"^ *(\d+) +([\d.]+) KiB +([\d.]+) KiB(?: +[\d.]+ µs){3}$", out, re.MULTILINE
    )
    assert [int(k) for k, _, _ in rows] == [10, 30, 100, 300, 1000]
    unrolled = [float(u) for _, u, _ in rows]
    implicit = {float(i) for _, _, i in rows}
    assert unrolled == sorted(unrolled)
    assert unrolled[-1] > 30 * unrolled[0]
    assert len(implicit) == 1, "the implicit gradient's memory does not depend on K"
    assert len(soup.select("div.cell.tag_measured img")) == 2
    prose = _prose(soup)
    assert re.search(r"These are this build[\u2019']s measurements, on", prose)
    assert DEVICE.search(prose)
    assert re.search(
        r"From K = 10 to K = 1000 the unrolled gradient[\u2019']s scratch memory grew "
        r"[\d.]+-fold, to \d+ KiB, while the implicit gradient[\u2019']s stayed at",
        prose,
    )
    assert re.search(r"At K = 1000 the unrolled gradient (took|was faster)", prose)


def test_the_implicit_gradient_error_follows_the_solver_tolerance(site: Path) -> None:
    soup = _page(site)
    out = _outputs(soup)
    rows = re.findall(r"^ *(\S+e-\d+) +(\d+) +(\S+) +(\S+)$", out, re.MULTILINE)
    assert [float(t) for t, *_ in rows] == [
        1e-2,
        1e-3,
        1e-4,
        1e-5,
        1e-6,
        1e-8,
        1e-10,
        1e-12,
    ]
    for tol, _, implicit, _ in rows:
        assert float(implicit) < 100 * float(tol)
    steps = [int(s) for _, s, _, _ in rows]
    assert steps == sorted(steps)
    slope = re.search(r"with a fitted log-log slope of (\S+),", _prose(soup))
    assert slope
    assert 0.8 < float(slope.group(1)) < 1.2
