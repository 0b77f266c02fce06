"""The text-size control and the responsive layout, in real Chromium with JavaScript switched OFF.

The built site carries no script: every behaviour here is HTML and CSS. (Playwright's own
page.evaluate still runs; page scripts would not.)
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from sample_site import PAGES, PREFIX, build_sample
from tools import serve_directory

pytestmark = pytest.mark.browser

CHOICES = ("co-chu-nho", "co-chu-vua", "co-chu-lon", "co-chu-rat-lon")
STATE = """() => {
  const prose = document.querySelector('.prose'), style = getComputedStyle(prose);
  const size = parseFloat(style.fontSize);
  return {size, lineHeight: parseFloat(style.lineHeight) / size, widthEm: prose.getBoundingClientRect().width / size,
          checked: document.querySelector('input[name=co-chu]:checked').id,
          label: parseFloat(getComputedStyle(document.querySelector('label[for=co-chu-vua]')).fontSize),
          focused: document.activeElement.id || document.activeElement.tagName,
          scripts: document.scripts.length};
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served under its /ban-tin/ sub-path; yields the base URL."""
    with serve_directory(build_sample(tmp_path_factory), prefix=PREFIX) as base:
        yield base


@pytest.fixture
def no_js(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized browser context with JavaScript disabled."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def test_each_choice_changes_the_article_text_size_by_mouse(no_js: Any, site: str) -> None:
    page = no_js.new_page()
    page.goto(site + PAGES["article"])
    start = page.evaluate(STATE)
    assert start["checked"] == "co-chu-vua" and start["size"] == 17 and start["scripts"] == 1  # the JSON-LD block
    states = {}
    for choice in CHOICES:
        page.click(f"label[for={choice}]")
        states[choice] = page.evaluate(STATE)
        assert states[choice]["checked"] == choice
    sizes = [states[c]["size"] for c in CHOICES]
    assert sizes == sorted(sizes) and len(set(sizes)) == 4, sizes
    assert sizes[1] == start["size"] and sizes[0] < 17 < sizes[2] < sizes[3] and sizes[3] >= 25, sizes
    for choice, state in states.items():
        assert 1.6 <= state["lineHeight"] <= 1.9, (choice, state)  # room for stacked Vietnamese diacritics
        assert 25 <= state["widthEm"] <= 40, (choice, state)  # about 45 to 75 characters a line, at every size
        assert state["label"] == start["label"], "the control itself must not move or grow"


def test_each_choice_is_reachable_by_keyboard(no_js: Any, site: str) -> None:
    page = no_js.new_page()
    page.goto(site + PAGES["article"])
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "co-chu":
            break
    state = page.evaluate(STATE)
    assert state["focused"] == "co-chu-vua", "Tab must land on the checked choice"
    ring = page.evaluate("() => getComputedStyle(document.querySelector('label[for=co-chu-vua]'))"
                         ".getPropertyValue('outline-style')")
    assert ring == "solid", "the focused choice needs a visible focus ring"
    sizes = {"co-chu-vua": state["size"]}
    for key, choice in (("ArrowRight", "co-chu-lon"), ("ArrowRight", "co-chu-rat-lon"), ("ArrowLeft", "co-chu-lon"),
                        ("ArrowLeft", "co-chu-vua"), ("ArrowLeft", "co-chu-nho")):
        page.keyboard.press(key)
        state = page.evaluate(STATE)
        assert state["focused"] == state["checked"] == choice, (key, state)
        sizes[choice] = state["size"]
    assert sizes["co-chu-nho"] < sizes["co-chu-vua"] < sizes["co-chu-lon"] < sizes["co-chu-rat-lon"], sizes
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") != "co-chu", "Tab leaves the group after one stop"


def test_list_pages_scale_their_teasers(no_js: Any, site: str) -> None:
    page = no_js.new_page()
    page.goto(site + PAGES["section"])
    size = "() => parseFloat(getComputedStyle(document.querySelector('.teasers .teaser-title')).fontSize)"
    before = page.evaluate(size)
    page.click("label[for=co-chu-rat-lon]")
    assert page.evaluate(size) == pytest.approx(before * 1.5)


def test_control_menu_and_rail_are_hidden_when_printed_and_the_address_shows(no_js: Any, site: str) -> None:
    page = no_js.new_page()
    page.goto(site + PAGES["article"])
    display = "(s) => getComputedStyle(document.querySelector(s)).display"
    assert page.evaluate(display, ".fontsize") != "none"
    page.emulate_media(media="print")
    for selector in (".fontsize", ".menu", ".rail", ".breadcrumb", ".site-footer"):
        assert page.evaluate(display, selector) == "none", selector
    note = page.locator(".print-only")
    assert note.is_visible() and "https://example.org/ban-tin/" + PAGES["article"] in note.inner_text()
    assert page.locator(".dateline time").is_visible()


@pytest.mark.parametrize("width", [390, 320])
def test_no_sideways_scrolling_on_small_phones(browser: Any, site: str, width: int) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 740})
    page = context.new_page()
    try:
        for name, url in PAGES.items():
            page.goto(site + url)
            assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {width} px"
        for name in ("article", "interview", "directive"):
            page.goto(site + PAGES[name])
            page.click("label[for=co-chu-rat-lon]")
            assert page.evaluate(OVERFLOW) <= 0, f"{name} at the largest text size scrolls sideways at {width} px"
    finally:
        context.close()


def test_back_button_keeps_the_chosen_size(no_js: Any, site: str) -> None:
    page = no_js.new_page()
    page.goto(site + PAGES["article"])
    page.click("label[for=co-chu-lon]")
    with page.expect_navigation():  # a click returns before the next page has loaded: asking then races it
        page.click('.rail a[href^="/ban-tin/"]')
    assert page.evaluate(STATE)["checked"] == "co-chu-vua", "a new page starts at the default size"
    page.go_back()
    assert page.evaluate(STATE)["checked"] == "co-chu-lon"
