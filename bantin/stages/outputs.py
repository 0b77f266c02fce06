"""Every file the site writes, declared once: pages, feeds, the sitemap, robots.txt, the theme's files, copied files,
image variants and the search index.

A clean build, a cached build and `serve` all take their outputs from `declare_outputs`:
a new kind of output is added here (and made in render.Renderer.produce), and nothing else
needs to know of it.
"""

from __future__ import annotations

from .feeds import absolute
from .model import Output, Site, TextFile, ThemeFile
from .search import declare_search
from .theme import THEME_FILES, template_files
from .destination import shown


def declare_outputs(site: Site) -> tuple[Output, ...]:
    """List every output of the site, each once (the pages, feeds and sitemap come assembled: pages.py)."""
    return (*site.pages, *site.feeds, site.sitemap, robots(site), *theme_files(site), *site.assets, *site.images,
            *declare_search(site))


def theme_files(site: Site) -> tuple[ThemeFile, ...]:
    """Declare a file for each template in the theme's templates/files/: files/tin-moi.json makes /tin-moi.json."""
    return tuple(ThemeFile(name.removeprefix(THEME_FILES), name, shown(file, site.config.root), site.entries)
                 for name, file in template_files(site.config) if name.startswith(THEME_FILES))


def robots(site: Site) -> TextFile:
    """Declare robots.txt: allow everything and point crawlers at the sitemap."""
    return TextFile("robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {absolute(site.config, '/sitemap.xml')}\n")
