"""Decide every page of the site: articles, lists, directives, archive, home, redirects and feeds."""

from __future__ import annotations

from typing import Iterable

from .model import DirectiveCount, Entry, Feed, Home, Listing, Page, Pager, Site, Teaser

FEED_SIZE = 20
HOME_LATEST = 8
HOME_BLOCK = 4
HOME_FEATURED = 4


def output_of(url: str) -> str:
    """Map a pretty URL ("/a/b/") to the file that serves it ("a/b/index.html")."""
    return url.strip("/") + "/index.html" if url.strip("/") else "index.html"


def build_pages(site: Site, standalone: tuple[Entry, ...]) -> tuple[Page, ...]:
    """List every HTML page of the site, in a stable order."""
    pages = [home(site), *article_pages(site), *section_pages(site), *directive_pages(site), *archive_pages(site)]
    pages += [Page(output_of(e.url), e.url, "page.html", e.article.title, e.article.summary, e, f"content/{e.article.path}")
              for e in standalone]
    pages += redirects(site.entries + standalone)
    latest = tuple(e.teaser for e in site.entries[:5])
    pages.append(Page("404.html", "/404.html", "404.html", "Không tìm thấy trang", "", latest, "", sitemap=False))
    return tuple(pages)


def home(site: Site) -> Page:
    """Build the front page."""
    entries = site.entries
    featured = tuple(e.teaser for e in entries if e.article.featured)[:HOME_FEATURED] or tuple(e.teaser for e in entries[:1])
    latest = tuple(e.teaser for e in entries if e.teaser not in featured)[:HOME_LATEST]
    blocks = tuple((s, tuple(e.teaser for e in entries if e.section == s)[:HOME_BLOCK]) for s in site.config.sections)
    data = Home(featured, latest, tuple(b for b in blocks if b[1]), directive_counts(site))
    return Page("index.html", "/", "home.html", site.config.title, site.config.tagline, data)


def article_pages(site: Site) -> Iterable[Page]:
    """One page per article that carries a body."""
    for entry in site.entries:
        if not entry.article.external_url:
            yield Page(output_of(entry.url), entry.url, "article.html", entry.article.title, entry.article.summary,
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


def section_pages(site: Site) -> Iterable[Page]:
    """Paginated list pages for every section."""
    for section in site.config.sections:
        entries = [e for e in site.entries if e.section == section]
        base = f"/{section.slug}/"
        yield from listing_pages(site, "section.html", base, section.name, section.description, entries,
                                 f"{base}feed.xml", section=section)


def directive_counts(site: Site) -> tuple[DirectiveCount, ...]:
    """Count the published articles of every directive, in date order."""
    counts = {d: 0 for d in site.register.directives}
    for entry in site.entries:
        for directive in entry.directives:
            counts[directive] += 1
    return tuple(DirectiveCount(d, n) for d, n in counts.items())


def directive_pages(site: Site) -> Iterable[Page]:
    """The directives index and a paginated page per directive."""
    counts = directive_counts(site)
    yield Page("van-ban/index.html", "/van-ban/", "directives.html", "Văn bản chỉ đạo",
               "Các chỉ thị, nghị quyết, kết luận về học tập và làm theo Bác.", counts)
    for count in counts:
        directive = count.directive
        entries = [e for e in site.entries if directive in e.directives]
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


def build_feeds(site: Site) -> tuple[Feed, ...]:
    """An Atom feed for the whole site, each section and each directive."""
    title = site.config.title
    feeds = [Feed("feed.xml", "/feed.xml", title, "/", site.entries[:FEED_SIZE])]
    for section in site.config.sections:
        entries = tuple(e for e in site.entries if e.section == section)[:FEED_SIZE]
        feeds.append(Feed(f"{section.slug}/feed.xml", f"/{section.slug}/feed.xml", f"{section.name} – {title}", f"/{section.slug}/", entries))
    for directive in site.register.directives:
        entries = tuple(e for e in site.entries if directive in e.directives)[:FEED_SIZE]
        feeds.append(Feed(f"{directive.url.strip('/')}/feed.xml", f"{directive.url}feed.xml", f"{directive.name} – {title}", directive.url, entries))
    return tuple(feeds)
