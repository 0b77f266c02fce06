"""Screenshots of the home and article pages, desktop and phone, light and dark, for people to look at.

Saved in tests/artifacts/ (ignored by git; CI keeps them as build artifacts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from sample_site import PAGES, PREFIX, build_sample
from tools import serve_directory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served under its /ban-tin/ sub-path; yields the base URL."""
    with serve_directory(build_sample(tmp_path_factory), prefix=PREFIX) as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_home_and_article(browser: Any, site: str, width: int, scheme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(java_script_enabled=False, color_scheme=scheme,
                                  viewport={"width": width, "height": 900}, device_scale_factor=1)
    try:
        page = context.new_page()
        for name in ("home", "article"):
            page.goto(site + PAGES[name])
            file = ARTIFACTS / f"{name}-{width}-{scheme}.png"
            file.unlink(missing_ok=True)
            page.screenshot(path=str(file), full_page=True)
            data = file.read_bytes()
            assert data[:8] == PNG and int.from_bytes(data[16:20], "big") == width
            assert int.from_bytes(data[20:24], "big") > 900, f"{file.name}: the page is shorter than one screen"
    finally:
        context.close()
