"""Stage 5b: Atom feeds, sitemap.xml and robots.txt, written as plain, deterministic XML."""

from __future__ import annotations

from html import escape as html_escape

from .dates import rfc3339
from .model import Entry, Feed, Site

EMPTY_FEED_DATE = "2000-01-01T00:00:00+00:00"


def escape(text: str) -> str:
    """Escape text for XML character data."""
    return html_escape(text, quote=False)


def attribute(text: str) -> str:
    """Escape text for a double-quoted XML attribute."""
    return html_escape(text)


def absolute(site: Site, url: str) -> str:
    """Make a site-relative URL absolute under base_url."""
    if not url.startswith("/"):
        return url
    return site.config.base_url.rstrip("/") + "/" + url.lstrip("/") if url != "/" else site.config.base_url.rstrip("/") + "/"


def render_feeds(site: Site) -> dict[str, bytes]:
    """Render every Atom feed, plus the sitemap and robots.txt."""
    files = {feed.output: atom(site, feed).encode("utf-8") for feed in site.feeds}
    files["sitemap.xml"] = sitemap(site).encode("utf-8")
    files["robots.txt"] = robots(site).encode("utf-8")
    return files


def atom(site: Site, feed: Feed) -> str:
    """Render one Atom 1.0 feed; its date is its newest entry's, so output stays reproducible."""
    updated = rfc3339(feed.entries[0].teaser.date) if feed.entries else EMPTY_FEED_DATE
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{attribute(site.config.lang)}">',
        f"<title>{escape(feed.title)}</title>",
        f"<id>{escape(absolute(site, feed.url))}</id>",
        f'<link rel="self" type="application/atom+xml" href="{attribute(absolute(site, feed.url))}"/>',
        f'<link rel="alternate" type="text/html" href="{attribute(absolute(site, feed.page_url))}"/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(site.config.title)}</name></author>",
    ]
    return "\n".join(head + [atom_entry(site, e) for e in feed.entries] + ["</feed>", ""])


def atom_entry(site: Site, entry: Entry) -> str:
    """Render one feed entry, with the full body for articles that carry one."""
    article = entry.article
    link = absolute(site, entry.url)
    parts = [
        "<entry>",
        f"<title>{escape(article.title)}</title>",
        f'<link rel="alternate" type="text/html" href="{attribute(link)}"/>',
        f"<id>{escape(link)}</id>",
        f"<published>{rfc3339(entry.teaser.date)}</published>",
        f"<updated>{rfc3339(entry.teaser.date)}</updated>",
        f"<summary>{escape(article.summary)}</summary>",
    ]
    parts += [f"<author><name>{escape(article.author)}</name></author>"] if article.author else []
    parts += [f'<category term="{attribute(d.name)}"/>' for d in entry.directives]
    if not article.external_url:
        parts.append(f'<content type="html" xml:base="{attribute(link)}">{escape(entry.body_html)}</content>')
    return "\n".join(parts + ["</entry>"])


def sitemap(site: Site) -> str:
    """List every public page for search engines."""
    rows = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in site.pages:
        if page.sitemap:
            modified = f"<lastmod>{page.date.date().isoformat()}</lastmod>" if page.date else ""
            rows.append(f"<url><loc>{escape(absolute(site, page.url))}</loc>{modified}</url>")
    return "\n".join(rows + ["</urlset>", ""])


def robots(site: Site) -> str:
    """Allow everything and point crawlers at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(site, '/sitemap.xml')}\n"
