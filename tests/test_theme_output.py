"""The default theme's output for the sample bulletin: metadata, structure, weight, no JavaScript.

Every check reads the built HTML of the sample site (built once, see sample_site.py).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sample_site import PAGES, build_sample, page_file
from sitekit import REPO

BASE_URL = "https://example.org/ban-tin/"
BUDGET = 30_000  # bytes of HTML + CSS for one article page, before compression, images excluded
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    """One start tag, with its attributes, its ancestors' tags and classes, and its text."""

    tag: str
    attrs: dict[str, str]
    ancestors: tuple[tuple[str, str], ...]
    text: list[str] = field(default_factory=list)

    def inside(self, tag: str = "", cls: str = "") -> bool:
        """Tell whether an ancestor has this tag and/or class."""
        return any((not tag or t == tag) and (not cls or cls in c.split()) for t, c in self.ancestors)


class Page(HTMLParser):
    """A parsed page: every element in document order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, tuple((e.tag, e.attrs.get("class", "")) for e in self.open))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[Element]:
        """Return the elements with this tag and these attribute values."""
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def meta(self, key: str) -> str | None:
        """Return the content of <meta name=key> or <meta property=key>."""
        found = [e.attrs.get("content", "") for e in self.all("meta") if key in (e.attrs.get("name"), e.attrs.get("property"))]
        assert len(found) <= 1, f"{key} appears {len(found)} times"
        return found[0] if found else None


Pages = dict[str, tuple[str, Page]]  # site-relative URL -> (raw HTML, parsed page)


def text(element: Element) -> str:
    """Return an element's text with whitespace collapsed."""
    return " ".join("".join(element.text).split())


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site's output folder."""
    return build_sample(tmp_path_factory)


@pytest.fixture(scope="module")
def pages(out: Path) -> Pages:
    """Every HTML page but the redirects, by site-relative URL: (raw text, parsed)."""
    found = {}
    for file in sorted(out.rglob("*.html")):
        raw = file.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in raw:
            continue
        rel = file.relative_to(out).as_posix()
        url = "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
        found[url] = (raw, Page(raw))
    assert len(found) > 40
    return found


@pytest.fixture(scope="module")
def articles(pages: Pages) -> Pages:
    """The article pages."""
    found = {url: pair for url, pair in pages.items() if pair[1].meta("og:type") == "article"}
    assert len(found) >= 15
    return found


def test_every_page_has_language_title_description_canonical_and_open_graph(pages: Pages) -> None:
    site_title = "Bản tin Học tập và làm theo Bác"
    for url, (_, page) in pages.items():
        canonical = BASE_URL + url.lstrip("/")
        assert page.all("html")[0].attrs["lang"] == "vi", url
        title = text(page.all("title")[0])
        assert title == site_title if url == "/" else title.endswith(f" – {site_title}") and len(title) > len(site_title) + 3, url
        assert [e.attrs["href"] for e in page.all("link", rel="canonical")] == [canonical], url
        assert page.meta("og:url") == canonical and page.meta("og:site_name") == site_title, url
        assert page.meta("og:title") and page.meta("og:type") in ("website", "article"), url
        description = page.meta("description")
        assert description and page.meta("og:description") == description and len(description) <= 200, url


def test_article_description_and_open_graph_come_from_the_summary(articles: Pages) -> None:
    raw, page = articles["/" + PAGES["article"]]
    sapo = text(next(e for e in page.all("p") if e.attrs.get("class") == "sapo"))
    assert sapo.startswith(page.meta("description").removesuffix("…"))
    assert page.meta("og:title") == text(page.all("h1")[0])
    assert page.meta("article:published_time") == "2024-01-18T08:20:00+07:00"


def test_articles_carry_news_article_json_ld(articles: Pages) -> None:
    for url, (_, page) in articles.items():
        blocks = page.all("script", type="application/ld+json")
        assert len(blocks) == 1, url
        data = json.loads(text(blocks[0]))
        assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle", url
        assert data["headline"] and text(page.all("h1")[0]).startswith(data["headline"].removesuffix("…")), url
        assert len(data["headline"]) <= 110, url
        published = datetime.fromisoformat(data["datePublished"])
        assert published.utcoffset() is not None and data["datePublished"] == page.meta("article:published_time"), url
        assert data["mainEntityOfPage"] == BASE_URL + url.lstrip("/"), url
        assert data["publisher"]["name"] == "Bản tin Học tập và làm theo Bác" and data["inLanguage"] == "vi", url
        assert all(i.startswith(BASE_URL) for i in data["image"]), url


def test_no_javascript_anywhere_in_the_built_site_but_the_search_page(out: Path, pages: Pages) -> None:
    scripts = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.suffix in (".js", ".mjs")}
    assert scripts == {"static/search.js", "pagefind/pagefind.js", "pagefind/pagefind-worker.js"}
    for url, (raw, page) in pages.items():
        allowed = ("application/ld+json", "module") if url == "/tim-kiem/" else ("application/ld+json",)
        assert all(s.attrs.get("type") in allowed for s in page.all("script")), url
        handlers = [(e.tag, a) for e in page.elements for a in e.attrs if a.startswith("on")]
        assert not handlers, (url, handlers)
        assert "javascript:" not in raw.lower(), url


def test_one_h1_per_page_and_headings_never_skip_a_level(pages: Pages) -> None:
    for url, (_, page) in pages.items():
        levels = [int(e.tag[1]) for e in page.elements if re.fullmatch(r"h[1-6]", e.tag)]
        assert levels.count(1) == 1 and levels[0] == 1, (url, levels)
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not jumps, (url, levels)


def test_landmarks_and_skip_link(pages: Pages) -> None:
    for url, (_, page) in pages.items():
        mains = page.all("main")
        assert len(mains) == 1 and mains[0].attrs["id"] == "noi-dung", url
        first_link = page.all("a")[0]
        assert first_link.attrs == {"class": "skip-link", "href": "#noi-dung"}, url
        assert text(first_link) == "Bỏ qua, đến nội dung chính"
        assert len(page.all("header", **{"class": "masthead"})) == 1 and len(page.all("footer", **{"class": "site-footer"})) == 1, url
        navs = page.all("nav")
        assert navs and all(n.attrs.get("aria-label") for n in navs), url
        asides = page.all("aside")
        assert all(a.attrs.get("aria-label") for a in asides), url


def test_section_menu_marks_the_current_section(pages: Pages) -> None:
    _, page = pages["/" + PAGES["article"]]
    current = [text(a) for a in page.all("a") if a.attrs.get("aria-current") == "page"]
    assert current == ["Tin tức – Sự kiện"]
    _, home = pages["/"]
    assert [text(a) for a in home.all("a") if a.attrs.get("aria-current") == "page"] == ["Trang chủ"]


def test_footer_shows_the_portal_facts_from_site_toml(pages: Pages) -> None:
    footer = tomllib.loads((REPO / "site.toml").read_text(encoding="utf-8"))["footer"]
    for url in ("/", "/" + PAGES["article"], "/404.html"):
        _, page = pages[url]
        shown = text(page.all("footer", **{"class": "site-footer"})[0])
        for key, value in footer.items():
            assert value in shown, (url, key)
        assert f'mailto:{footer["email"]}' in [a.attrs["href"] for a in page.all("a")]


def test_every_image_has_alt_and_size_and_below_the_fold_images_load_lazily(pages: Pages) -> None:
    seen_lazy = 0
    for url, (_, page) in pages.items():
        for image in page.all("img"):
            assert "alt" in image.attrs, (url, image.attrs)
            assert image.attrs.get("width", "").isdigit() and image.attrs.get("height", "").isdigit(), (url, image.attrs)
            above_fold = image.inside(cls="masthead") or image.inside(cls="lead-figure") or "lead-picture" in image.attrs.get("class", "")
            if above_fold:
                assert "loading" not in image.attrs, (url, image.attrs)  # lazy loading would delay the first picture
            else:
                assert image.attrs.get("loading") == "lazy", (url, image.attrs)
                assert image.attrs["alt"].strip(), (url, image.attrs)
                seen_lazy += 1
    assert seen_lazy >= 3


def test_text_size_control_is_a_labelled_radio_group(pages: Pages) -> None:
    expected = [("co-chu-nho", "A− (nhỏ hơn)"), ("co-chu-vua", "A (mặc định)"), ("co-chu-lon", "A+ (lớn hơn)"),
                ("co-chu-rat-lon", "A++ (rất lớn)")]
    for name in ("article", "interview", "page", "section", "directive", "year"):
        _, page = pages["/" + PAGES[name]]
        fieldsets = page.all("fieldset", **{"class": "fontsize"})
        assert len(fieldsets) == 1, name
        assert [text(e) for e in page.all("legend") if e.inside("fieldset")] == ["Cỡ chữ"], name
        radios = [e for e in page.all("input") if e.inside("fieldset", "fontsize")]
        assert all(r.attrs["type"] == "radio" and r.attrs["name"] == "co-chu" for r in radios), name
        assert [r.attrs["id"] for r in radios if "checked" in r.attrs] == ["co-chu-vua"], name
        labels = [(e.attrs["for"], text(e)) for e in page.all("label") if e.inside("fieldset", "fontsize")]
        assert labels == expected, name
        assert fieldsets[0].inside(cls="scalable"), name
        scaled = [e for e in page.elements if e.inside(cls="scalable") and {"prose", "teasers"} & set(e.attrs.get("class", "").split())]
        assert scaled, f"{name}: the control scales no text"


def test_viewport_never_stops_browser_zoom(out: Path, pages: Pages) -> None:
    for url, (_, page) in pages.items():
        assert page.meta("viewport") == "width=device-width, initial-scale=1", url
    css = (out / "static/bantin.css").read_text(encoding="utf-8")
    assert not re.search(r"maximum-scale|user-scalable|zoom\s*:", css)
    assert not re.search(r"html\s*\{[^}]*font-size\s*:\s*[\d.]+px", css), "a pixel root size would ignore the reader's setting"


def test_no_web_fonts_and_only_local_stylesheets(out: Path, pages: Pages) -> None:
    css = (out / "static/bantin.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    for url, (_, page) in pages.items():
        for link in page.all("link"):
            if link.attrs["rel"] in ("stylesheet", "preload", "preconnect", "icon"):
                assert link.attrs["href"].startswith("/ban-tin/static/"), (url, link.attrs)


def test_dark_mode_and_print_styles_are_present(out: Path) -> None:
    css = (out / "static/bantin.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css and "@media print" in css  # behaviour: test_browser_*.py


def test_article_pages_print_their_address_and_date(articles: Pages) -> None:
    for url, (_, page) in articles.items():
        note = [text(p) for p in page.all("p") if p.attrs.get("class") == "print-only"]
        assert len(note) == 1 and BASE_URL + url.lstrip("/") in note[0], url
        assert re.search(r"\d\d/\d\d/\d{4}$", note[0]), note


def stylesheet_bytes(out: Path, page: Page) -> int:
    """Sum the sizes of the local stylesheets a page links to."""
    hrefs = [link.attrs["href"] for link in page.all("link", rel="stylesheet")]
    return sum((out / href.removeprefix("/ban-tin/").split("?")[0]).stat().st_size for href in hrefs)


def test_article_pages_stay_within_the_weight_budget(out: Path, articles: Pages) -> None:
    weights = {url: len(raw.encode("utf-8")) + stylesheet_bytes(out, page) for url, (raw, page) in articles.items()}
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] < BUDGET, f"{heaviest}: {weights[heaviest]} bytes of HTML+CSS (budget {BUDGET})"
    assert page_file(out, PAGES["article"]).is_file()
