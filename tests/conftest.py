"""Shared pytest fixtures. Keep minimal; helpers live in tests/tools.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tools import chromium_path, launch_chromium, playwright_available, require_tool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from sample_photo import make_sample_photo  # noqa: E402

make_sample_photo()  # the sample bulletin shows a camera photo that is made, not committed (scripts/sample_photo.py)


@pytest.fixture(scope="session")
def playwright_instance():
    """A started sync Playwright (``playwright.sync_api.Playwright``)."""
    require_tool("playwright", playwright_available(), "pip install -r requirements-test.txt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's headless Chromium, launched once per session (per xdist worker)."""
    require_tool("chromium", chromium_path() is not None, "/usr/bin/chromium missing")
    b = launch_chromium(playwright_instance)
    try:
        yield b
    finally:
        b.close()
