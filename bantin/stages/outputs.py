"""Every file the site writes, declared once: pages, feeds, the sitemap, robots.txt, copied files.

A clean build, a cached build and `serve` all take their outputs from `declare_outputs`:
a new kind of output is added here (and made in render.Renderer.produce), and nothing else
needs to know of it.
"""

from __future__ import annotations

from .feeds import absolute
from .model import Output, Site, Sitemap, TextFile


def declare_outputs(site: Site) -> tuple[Output, ...]:
    """List every output of the site, each once."""
    return (*site.pages, *site.feeds, site_map(site), robots(site), *site.assets)


def site_map(site: Site) -> Sitemap:
    """Declare sitemap.xml: every page meant for search engines."""
    urls = tuple((absolute(site.config, page.url), page.date.date().isoformat() if page.date else "")
                 for page in site.pages if page.sitemap)
    return Sitemap("sitemap.xml", urls)


def robots(site: Site) -> TextFile:
    """Declare robots.txt: allow everything and point crawlers at the sitemap."""
    return TextFile("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {absolute(site.config, '/sitemap.xml')}\n")
