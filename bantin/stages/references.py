"""Local references in a body's HTML: the `bantin:` links and images the Markdown stage leaves, and
how they read once pointed at their URLs (see links.body_links for where they point)."""

from __future__ import annotations

import re
from html import escape
from typing import Iterator
from urllib.parse import unquote

from .images import Responsive

# A local reference is src="bantin:…" or href="bantin:…". The pattern starts at the literal
# `="bantin:` so that the regex engine can leap between candidates (six times faster on a long
# body); local_references() then keeps the matches that follow `src` or `href`.
LOCAL = re.compile(r'="bantin:([^"#]*)(#[^"]*)?"')
LOCAL_ATTRIBUTES = ("src", "href")
LOCAL_IMAGE = re.compile(r'<img ([^>]*)src="bantin:([^"#]*)"([^>]*)>')
UNKNOWN = ("#", None)  # where a reference to nothing points
# What a path may not hold as it is inside a URL: controls, space, the quote and angle brackets, and what
# would end or escape the path (`#`, `?`, `%`). Letters with tone marks stay as written: browsers send them encoded.
UNSAFE_IN_PATH = re.compile(r'[\x00-\x20"#%<>?\\^`{|}\x7f]')
Resolved = tuple[tuple[str, str, "tuple[int, int] | Responsive | None"], ...]  # each local reference: target, URL, image size or variants
LOADING = re.compile(r'\s*\b(?:loading|decoding)="[^"]*"')
BODY_SIZES = "(min-width: 44rem) 40rem, calc(100vw - 2rem)"  # the column a body image fills (theme/static/bantin.css)


def url_path(path: str) -> str:
    """Write a content path as a URL path: "anh #1.png" as "anh%20%231.png"."""
    return UNSAFE_IN_PATH.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode("utf-8")), path)


def content_path(reference: str) -> str:
    """Read back the content path of a `bantin:` reference (see url_path)."""
    return unquote(reference) if "%" in reference else reference


def resolved_body(html: str, links: Resolved) -> str:
    """Point a body's `bantin:` references at their URLs, and give local images their size (see links.body_links)."""
    if not links:
        return html
    where = {target: (url, size) for target, url, size in links}
    if "<img " in html:
        html = LOCAL_IMAGE.sub(lambda m: sized_image(m, where), html)
    parts, done = [], 0
    for match in reference_matches(html):
        parts += [html[done:match.start()], f'="{where.get(content_path(match[1]), UNKNOWN)[0]}{match[2] or ""}"']
        done = match.end()
    return "".join(parts) + html[done:] if parts else html


def linked_targets(html: str) -> list[str]:
    """List the content paths a body links to with href (not shown as images)."""
    return [content_path(match[1]) for match in reference_matches(html) if html.endswith("href", 0, match.start())]


def local_references(html: str) -> list[str]:
    """List the content paths an HTML body refers to with `bantin:` links and images."""
    return [content_path(match[1]) for match in reference_matches(html)]


def reference_matches(html: str) -> Iterator[re.Match[str]]:
    """Find each `="bantin:…"` that is the value of a src or href attribute, left to right."""
    position = 0
    while match := LOCAL.search(html, position):
        if html.endswith(LOCAL_ATTRIBUTES, 0, match.start()):
            yield match
            position = match.end()
        else:
            position = match.start() + 1


def sized_image(match: re.Match[str], where: dict[str, tuple[str, tuple[int, int] | Responsive | None]]) -> str:
    """Give a local image its size, so the page does not jump while it loads, and its variants, so phones get small ones."""
    before, target, after = match.groups()
    size = where.get(content_path(target), UNKNOWN)[1]
    attributes = (before + after.rstrip(" /")).strip()
    if isinstance(size, Responsive):
        return responsive_image(attributes, size)
    dims = f' width="{size[0]}" height="{size[1]}"' if size and "width=" not in attributes else ""
    return f'<img {before}src="bantin:{target}"{after.rstrip(" /")}{dims}>'


def responsive_image(attributes: str, image: Responsive) -> str:
    """Write a body image as a <picture>: a modern format first, its fallback in src, lazy because it is below the lead."""
    attributes = LOADING.sub("", attributes).strip()
    sets = image.source_sets()
    sources = "".join(f'<source type="{mime}" srcset="{escape(srcset)}" sizes="{BODY_SIZES}">' for mime, srcset in sets[:-1])
    dims = f' width="{image.width}" height="{image.height}"' if "width=" not in attributes else ""
    return (f'<picture>{sources}<img {attributes} src="{escape(image.src().url)}" srcset="{escape(sets[-1][1])}" '
            f'sizes="{BODY_SIZES}"{dims} loading="lazy" decoding="async"></picture>')
