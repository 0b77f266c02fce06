"""Photos in real Chromium: a phone gets a small variant, a wide screen a larger one, nothing shifts, all upright."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import pytest

from sample_site import PAGES, PREFIX, build_sample
from tools import new_context, serve_directory

pytestmark = pytest.mark.browser

PAGE_BUDGET = 200_000  # bytes in all (HTML, CSS, images) for the article with a 12-megapixel lead photo, on a phone
SCREENS = {"phone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True),
           "desktop": dict(viewport={"width": 1280, "height": 900}, device_scale_factor=1)}
LAYOUT_SHIFTS = """() => new Promise(done => {
  const shifts = [];
  new PerformanceObserver(list => { for (const e of list.getEntries()) shifts.push([e.value,
      e.sources.map(s => s.node ? `${s.node.nodeName}.${s.node.className || ''} ${JSON.stringify(s.previousRect)}` : '')]); })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(shifts), 300);
})"""
LEAD = ".lead-figure img"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served under its /ban-tin/ sub-path; yields the base URL."""
    with serve_directory(build_sample(tmp_path_factory), prefix=PREFIX) as base:
        yield base


@contextmanager
def article_on(browser: Any, site: str, screen: str) -> Iterator[tuple[str, Any, dict[str, int]]]:
    """Open the article with the camera photo on one screen; yield the screen, the page and the bytes of each response."""
    context = new_context(browser, **SCREENS[screen])
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
    page.goto(site + PAGES["article"], wait_until="load")
    page.wait_for_function(f"document.querySelector('{LEAD}').complete")
    try:
        yield screen, page, sizes
    finally:
        context.close()


@pytest.fixture(params=list(SCREENS))
def visit(request: pytest.FixtureRequest, browser: Any, site: str) -> Iterator[tuple[str, Any, dict[str, int]]]:
    """The article on each screen."""
    with article_on(browser, site, request.param) as opened:
        yield opened


def test_the_browser_picks_the_variant_near_the_displayed_size(visit: tuple[str, Any, dict[str, int]]) -> None:
    screen, page, _ = visit
    shown = page.evaluate(f"""() => {{ const i = document.querySelector('{LEAD}');
        return {{src: i.currentSrc, width: i.getBoundingClientRect().width, dpr: devicePixelRatio}}; }}""")
    chosen = int(shown["src"].rsplit(".", 2)[1])
    needed = shown["width"] * shown["dpr"]
    srcset = page.eval_on_selector(".lead-figure source[type='image/webp']", "s => s.srcset")
    widths = sorted(int(candidate.split()[1].rstrip("w")) for candidate in srcset.split(", "))
    assert shown["src"].endswith(".webp"), shown  # Chromium takes the modern format
    assert chosen >= needed or chosen == widths[-1], shown
    assert chosen == min(w for w in widths if w >= needed), (screen, shown, widths)  # and not a larger one


def test_a_phone_downloads_the_article_within_budget(browser: Any, site: str) -> None:
    with article_on(browser, site, "phone") as (_, page, sizes):
        page.wait_for_timeout(300)
    total = sum(sizes.values())
    images = {url: size for url, size in sizes.items() if url.endswith((".webp", ".jpg", ".png", ".avif"))}
    assert total <= PAGE_BUDGET, f"{total} bytes: {sizes}"
    assert images and max(images.values()) <= 120_000, images


def test_nothing_shifts_while_the_photo_loads_and_it_is_upright(visit: tuple[str, Any, dict[str, int]]) -> None:
    _, page, _ = visit
    shifts = page.evaluate(LAYOUT_SHIFTS)
    assert not shifts, shifts
    natural = page.eval_on_selector(LEAD, "i => [i.naturalWidth, i.naturalHeight]")
    assert natural[0] < natural[1]  # the phone was held upright: the photo is a portrait
    box = page.eval_on_selector(LEAD, "i => i.getBoundingClientRect().height / i.getBoundingClientRect().width")
    assert abs(box - 4 / 3) < 0.01


def test_print_takes_the_wide_variant_of_the_lead_photo(browser: Any, site: str) -> None:
    context = new_context(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(site + PAGES["article"], wait_until="load")
    page.wait_for_function(f"document.querySelector('{LEAD}').complete")
    chosen = page.eval_on_selector(LEAD, "i => i.currentSrc")
    context.close()
    assert chosen.endswith(".1200.jpg"), chosen  # sharp on paper, and a format every printer driver takes
