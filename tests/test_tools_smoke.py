"""Smoke tests proving the test tooling (tests/tools.py) really works here."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tools import (
    format_axe,
    format_vnu,
    new_context,
    run_axe,
    run_vnu,
    serve_directory,
)

GOOD_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Good page</title>
</head>
<body>
<header><p>Site</p></header>
<main>
<h1>Hello bantin</h1>
<p>A paragraph with an image:</p>
<img src="pixel.svg" alt="A tiny square" width="10" height="10">
</main>
</body>
</html>
"""

BAD_A11Y_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Bad page</title></head>
<body>
<main>
<h1>Missing alt</h1>
<img src="pixel.svg" width="10" height="10">
</main>
</body>
</html>
"""

BAD_MARKUP_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken</title></head>
<body>
<p>unclosed <div>block</p>
<img src="pixel.svg">
</body>
</html>
"""

PIXEL_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text(GOOD_HTML, encoding="utf-8")
    (tmp_path / "bad.html").write_text(BAD_A11Y_HTML, encoding="utf-8")
    (tmp_path / "pixel.svg").write_text(PIXEL_SVG, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.html").write_text(GOOD_HTML, encoding="utf-8")
    return tmp_path


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_directory_root(site):
    with serve_directory(site) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        with urllib.request.urlopen(base, timeout=10) as resp:
            assert resp.status == 200
            assert "Hello bantin" in resp.read().decode()
        assert _status(base + "pixel.svg") == 200
        assert _status(base + "nope.html") == 404


def test_serve_directory_prefix(site):
    with serve_directory(site, prefix="/bantin/") as base:
        assert base.endswith("/bantin/")
        origin = base[: -len("/bantin/")]
        assert _status(base) == 200
        assert _status(base + "index.html") == 200
        assert _status(base + "sub/") == 200
        assert _status(base + "sub") == 200  # redirected to sub/
        assert _status(base + "pixel.svg") == 200
        # outside the prefix: 404, even for files that exist in the folder
        assert _status(origin + "/") == 404
        assert _status(origin + "/index.html") == 404
        assert _status(origin + "/bantinx/index.html") == 404
        # /bantin redirects to /bantin/
        with urllib.request.urlopen(origin + "/bantin", timeout=10) as resp:
            assert resp.url == base
        # cannot escape the served folder
        assert _status(base + "../../etc/passwd") == 404


@pytest.mark.browser
def test_chromium_loads_page(browser, site):
    with serve_directory(site, prefix="/bantin/") as base:
        page = browser.new_page()
        try:
            resp = page.goto(base)
            assert resp is not None and resp.status == 200
            assert page.title() == "Good page"
            assert page.inner_text("h1") == "Hello bantin"
            # the image loaded relative to the sub-path
            assert page.evaluate("() => document.querySelector('img').naturalWidth") == 10
        finally:
            page.close()


@pytest.mark.browser
def test_axe_finds_missing_alt(browser, site):
    with serve_directory(site) as base:
        context = new_context(browser)
        try:
            page = context.new_page()
            page.goto(base + "bad.html")
            violations = run_axe(page)
        finally:
            context.close()
    ids = {v["id"] for v in violations}
    assert "image-alt" in ids, format_axe(violations)


@pytest.mark.browser
def test_axe_good_page_clean(browser, site):
    with serve_directory(site) as base:
        context = new_context(browser)
        try:
            page = context.new_page()
            page.goto(base)
            violations = run_axe(page)
        finally:
            context.close()
    assert violations == [], format_axe(violations)


def test_vnu_good_and_bad(tmp_path):
    good = tmp_path / "good.html"
    bad = tmp_path / "broken.html"
    good.write_text(GOOD_HTML, encoding="utf-8")
    bad.write_text(BAD_MARKUP_HTML, encoding="utf-8")

    messages = run_vnu([good, bad])  # one java invocation for both
    assert messages, "vnu should report errors for broken.html"
    assert all(m["type"] in {"error", "non-document-error"} for m in messages)
    by_file = {m["path"] for m in messages}
    assert str(bad) in by_file, format_vnu(messages)
    assert str(good) not in by_file, format_vnu(messages)
    texts = " ".join(m["message"] for m in messages)
    assert "alt" in texts, format_vnu(messages)  # <img> without alt is an HTML error
    assert all(isinstance(m["line"], int) and m["line"] >= 1 for m in messages)
    assert all(m["url"].startswith("file:") for m in messages)


def test_vnu_clean_file_has_no_errors(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(GOOD_HTML, encoding="utf-8")
    assert run_vnu([good]) == []
