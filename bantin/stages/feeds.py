"""Stage 5b: Atom feeds and sitemap.xml, written as plain, deterministic XML."""

from __future__ import annotations

from html import escape as html_escape

from .dates import rfc3339
from .config import Config
from .model import Entry, Feed, Sitemap

EMPTY_FEED_DATE = "2000-01-01T00:00:00+00:00"


def escape(text: str) -> str:
    """Escape text for XML character data."""
    return html_escape(text, quote=False)


def attribute(text: str) -> str:
    """Escape text for a double-quoted XML attribute."""
    return html_escape(text)


def absolute(config: Config, url: str) -> str:
    """Make a site-relative URL absolute under base_url."""
    if not url.startswith("/"):
        return url
    return config.base_url.rstrip("/") + "/" + url.lstrip("/") if url != "/" else config.base_url.rstrip("/") + "/"


def atom(config: Config, feed: Feed) -> str:
    """Render one Atom 1.0 feed; its date is its newest entry's, so output stays reproducible."""
    updated = rfc3339(feed.entries[0].teaser.date) if feed.entries else EMPTY_FEED_DATE
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{attribute(config.lang)}">',
        f"<title>{escape(feed.title)}</title>",
        f"<id>{escape(absolute(config, feed.url))}</id>",
        f'<link rel="self" type="application/atom+xml" href="{attribute(absolute(config, feed.url))}"/>',
        f'<link rel="alternate" type="text/html" href="{attribute(absolute(config, feed.page_url))}"/>',
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(config.title)}</name></author>",
    ]
    return "\n".join(head + [atom_entry(config, e) for e in feed.entries] + ["</feed>", ""])


def atom_entry(config: Config, entry: Entry) -> str:
    """Render one feed entry, with the full body for articles that carry one."""
    article = entry.article
    link = absolute(config, entry.url)
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


def sitemap(declared: Sitemap) -> str:
    """List every public page for search engines."""
    rows = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, modified in declared.urls:
        rows.append(f"<url><loc>{escape(url)}</loc>{f'<lastmod>{modified}</lastmod>' if modified else ''}</url>")
    return "\n".join(rows + ["</urlset>", ""])
