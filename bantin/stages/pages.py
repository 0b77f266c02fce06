"""Decide every page of the site: articles, lists, directives, archive, home, redirects and feeds."""

from __future__ import annotations

from itertools import islice
from typing import Iterable

from .feeds import absolute
from .model import DirectiveCount, Entry, Feed, Home, Listing, Page, Pager, Site, Sitemap, Teaser

SEARCH_PAGE = "/tim-kiem/"
FEED_SIZE = 20
HOME_LATEST = 8
HOME_BLOCK = 4
HOME_FEATURED = 4


def output_of(url: str) -> str:
    """Map a pretty URL ("/a/b/") to the file that serves it ("a/b/index.html")."""
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


class Index:
    """The entries of each section and each directive, in site order, gathered in one pass."""

    def __init__(self, site: Site) -> None:
        self.sections: dict[object, list[Entry]] = {}
        self.directives: dict[object, list[Entry]] = {}
        for entry in site.entries:
            self.sections.setdefault(entry.section, []).append(entry)
            for directive in entry.directives:
                self.directives.setdefault(directive, []).append(entry)
        self.counts = tuple(DirectiveCount(d, len(self.directives.get(d, ()))) for d in dict.fromkeys(site.register.directives))


def build_pages(site: Site, standalone: tuple[Entry, ...], index: Index | None = None) -> tuple[Page, ...]:
    """List every HTML page of the site, in a stable order."""
    index = index or Index(site)
    pages = [home(site, index), *article_pages(site), *section_pages(site, index), *directive_pages(site, index),
             *archive_pages(site)]
    pages += [Page(output_of(e.url), e.url, "page.html", e.article.title, e.article.summary, e, f"content/{e.article.path}")
              for e in standalone]
    pages += redirects(e for e in site.entries + standalone if e.article.aliases)
    latest = tuple(e.teaser for e in site.entries[:5])
    pages.append(Page("404.html", "/404.html", "404.html", "Không tìm thấy trang", "", latest, "", sitemap=False))
    if site.config.search:  # its index is declared with the other outputs (search.declare_search)
        pages.append(Page(output_of(SEARCH_PAGE), SEARCH_PAGE, "search.html", "Tìm kiếm",
                          "Tìm bài viết trong bản tin, gõ có dấu hay không dấu đều được.", index.counts, sitemap=False))
    return tuple(pages)


def home(site: Site, index: Index | None = None) -> Page:
    """Build the front page."""
    entries, index = site.entries, index or Index(site)
    featured = tuple(islice((e.teaser for e in entries if e.article.featured), HOME_FEATURED)) or tuple(e.teaser for e in entries[:1])
    latest = tuple(islice((e.teaser for e in entries if e.teaser not in featured), HOME_LATEST))
    blocks = tuple((s, tuple(e.teaser for e in index.sections.get(s, ())[:HOME_BLOCK])) for s in site.config.sections)
    data = Home(featured, latest, tuple(b for b in blocks if b[1]), index.counts)
    return Page("index.html", "/", "home.html", site.config.title, site.config.tagline, data)


def article_pages(site: Site) -> Iterable[Page]:
    """One page per article that carries a body."""
    return (article_page(entry) for entry in site.entries if not entry.article.external_url)


def article_page(entry: Entry) -> Page:
    """The page of one article."""
    return Page(output_of(entry.url), entry.url, "article.html", entry.article.title, entry.article.summary,
                entry, f"content/{entry.article.path}", date=entry.teaser.date)


def paginate(teasers: tuple[Teaser, ...], per_page: int, base: str) -> list[tuple[Pager, tuple[Teaser, ...]]]:
    """Split a list into pages at `base`, `base`trang/2/, ..."""
    chunks = [teasers[i:i + per_page] for i in range(0, len(teasers), per_page)] or [()]
    url = lambda n: base if n == 1 else f"{base}trang/{n}/"  # noqa: E731 - a tiny local rule
    total = len(chunks)
    return [(Pager(n, total, url(n - 1) if n > 1 else None, url(n + 1) if n < total else None, base), chunk)
            for n, chunk in enumerate(chunks, start=1)]


def listing_pages(site: Site, template: str, base: str, heading: str, description: str,
                  entries: Iterable[Entry], feed: str | None, **about: object) -> Iterable[Page]:
    """Paginate a list of entries into pages of one template."""
    teasers = tuple(e.teaser for e in entries)
    for pager, chunk in paginate(teasers, site.config.per_page, base):
        title = heading if pager.number == 1 else f"{heading} – Trang {pager.number}"
        data = Listing(template.removesuffix(".html"), heading, description, chunk, pager, feed, **about)
        yield Page(output_of(pager_url(pager)), pager_url(pager), template, title, description, data)


def pager_url(pager: Pager) -> str:
    """Return the URL of the page a pager describes."""
    return pager.first_url if pager.number == 1 else f"{pager.first_url}trang/{pager.number}/"


def section_pages(site: Site, index: Index | None = None) -> Iterable[Page]:
    """Paginated list pages for every section."""
    index = index or Index(site)
    for section in site.config.sections:
        entries = index.sections.get(section, [])
        base = f"/{section.slug}/"
        yield from listing_pages(site, "section.html", base, section.name, section.description, entries,
                                 f"{base}feed.xml", section=section)


def directive_pages(site: Site, index: Index | None = None) -> Iterable[Page]:
    """The directives index and a paginated page per directive."""
    index = index or Index(site)
    counts = index.counts
    yield Page("van-ban/index.html", "/van-ban/", "directives.html", "Văn bản chỉ đạo",
               "Các chỉ thị, nghị quyết, kết luận về học tập và làm theo Bác.", counts)
    for count in counts:
        directive = count.directive
        entries = index.directives.get(directive, [])
        yield from listing_pages(site, "directive.html", directive.url, directive.name, directive.summary or directive.title,
                                 entries, f"{directive.url}feed.xml", directive=directive)


def archive_pages(site: Site) -> Iterable[Page]:
    """A yearly archive: an index of years, and a paginated page per year."""
    years: dict[int, list[Entry]] = {}
    for entry in site.entries:
        years.setdefault(entry.teaser.date.year, []).append(entry)
    summary = tuple((year, len(items)) for year, items in sorted(years.items(), reverse=True))
    yield Page("luu-tru/index.html", "/luu-tru/", "archive.html", "Lưu trữ", "Các bài viết theo năm.", summary)
    for year, items in sorted(years.items(), reverse=True):
        yield from listing_pages(site, "year.html", f"/luu-tru/{year}/", f"Năm {year}", f"Các bài viết năm {year}.", items, None)


def redirects(entries: Iterable[Entry]) -> Iterable[Page]:
    """A redirect page at every old address an article lists in `aliases`."""
    for entry in entries:
        for alias in entry.article.aliases:
            url = "/" + alias.strip("/") + "/"
            yield Page(output_of(url), url, "redirect.html", entry.article.title, "", entry.url,
                       f"content/{entry.article.path}", sitemap=False)


def build_feeds(site: Site, index: Index | None = None) -> tuple[Feed, ...]:
    """An Atom feed for the whole site, each section and each directive."""
    title, index = site.config.title, index or Index(site)
    feeds = [Feed("feed.xml", "/feed.xml", title, "/", site.entries[:FEED_SIZE])]
    for section in site.config.sections:
        entries = tuple(index.sections.get(section, ())[:FEED_SIZE])
        feeds.append(Feed(f"{section.slug}/feed.xml", f"/{section.slug}/feed.xml", f"{section.name} – {title}", f"/{section.slug}/", entries))
    for directive in site.register.directives:
        entries = tuple(index.directives.get(directive, ())[:FEED_SIZE])
        feeds.append(Feed(f"{directive.url.strip('/')}/feed.xml", f"{directive.url}feed.xml", f"{directive.name} – {title}", directive.url, entries))
    return tuple(feeds)


def site_map(site: Site, pages: tuple[Page, ...]) -> Sitemap:
    """Declare sitemap.xml: every page meant for search engines."""
    urls = tuple((absolute(site.config, page.url), page.date.date().isoformat() if page.date else "")
                 for page in pages if page.sitemap)
    return Sitemap("sitemap.xml", urls)
