"""WCAG 2.2 AA checks with axe-core in real Chromium, in the light and the dark colour scheme."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from sample_site import PAGES, PREFIX, build_sample
from tools import format_axe, new_context, run_axe, serve_directory

pytestmark = pytest.mark.browser

CHECKED = ("home", "article", "interview", "section", "directive", "page", "404")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served under its /ban-tin/ sub-path; yields the base URL."""
    with serve_directory(build_sample(tmp_path_factory), prefix=PREFIX) as base:
        yield base


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    """A page in a JS-enabled context (axe is injected by the test) with one colour scheme."""
    context = new_context(browser, color_scheme=request.param, viewport={"width": 1280, "height": 900})
    yield request.param, context.new_page()
    context.close()


@pytest.mark.parametrize("name", CHECKED)
def test_axe_finds_no_violations(scheme_page: tuple[str, Any], site: str, name: str) -> None:
    scheme, page = scheme_page
    page.goto(site + PAGES[name])
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    violations = run_axe(page)
    assert not violations, f"{name} ({scheme}):\n{format_axe(violations)}"


def test_axe_finds_no_violations_at_the_largest_text_size_on_a_phone(browser: Any, site: str) -> None:
    context = new_context(browser, color_scheme="dark", viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(site + PAGES["interview"])
        page.click("label[for=co-chu-rat-lon]")
        violations = run_axe(page)
        assert not violations, format_axe(violations)
    finally:
        context.close()


def test_dark_scheme_really_changes_the_colours(browser: Any, site: str) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(java_script_enabled=False, color_scheme=scheme)
        page = context.new_page()
        page.goto(site + PAGES["article"])
        colours[scheme] = page.evaluate("() => [getComputedStyle(document.body).backgroundColor,"
                                        " getComputedStyle(document.querySelector('.prose')).color]")
        context.close()
    assert colours["light"] == ["rgb(255, 255, 255)", "rgb(27, 27, 27)"]
    assert colours["dark"] == ["rgb(20, 19, 18)", "rgb(236, 232, 225)"]
