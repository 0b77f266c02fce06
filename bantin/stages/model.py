"""The site model: every page the site will have, complete and immutable, before anything is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import datetime
from typing import Any, Union

from .config import Config, Section
from .content import Article
from .directives import Directive, Register
from .images import ImageVariant, Responsive
from .references import Resolved, resolved_body


@dataclass(frozen=True)
class Picture:
    """An image ready to show: its URL, alt text, caption, pixel size if known, and its variants if it is a photo or graphic.

    `url` is the file to name where one file is wanted (og:image): the 1200-wide fallback when there are variants.
    """

    url: str
    alt: str
    caption: str
    width: int | None
    height: int | None
    variants: Responsive | None = None


@dataclass(frozen=True)
class FileLink:
    """An attachment ready to show: its URL, title, format and size."""

    url: str
    title: str
    format: str
    size: str


@dataclass(frozen=True)
class Teaser:
    """What a list shows of an article: enough to link to it, nothing more."""

    url: str
    title: str
    date: datetime
    summary: str
    section: Section | None
    picture: Picture | None
    external: bool
    badge: str


@dataclass(frozen=True)
class Entry:
    """An article placed on the site: its URL, where its local links point, and its neighbours.

    `article` is the record as parsed. Its body keeps its `bantin:` references; `links` says
    where each points, and `body_html` gives the body as shown, resolved where it is read
    (mostly in the worker that renders the page).
    """

    article: Article
    url: str
    section: Section | None
    directives: tuple[Directive, ...]
    picture: Picture | None
    attachments: tuple[FileLink, ...]
    badge: str
    teaser: Teaser
    links: Resolved = ()
    related: tuple[Teaser, ...] = ()
    others: tuple[Teaser, ...] = ()

    @property
    def body_html(self) -> str:
        """Return the article's body, its local links and images resolved."""
        return resolved_body(self.article.body_html, self.links)


@dataclass(frozen=True)
class Pager:
    """Where one page of a paginated list sits among its siblings."""

    number: int
    total: int
    previous_url: str | None
    next_url: str | None
    first_url: str


@dataclass(frozen=True)
class Listing:
    """One page of a list of articles: a section, a directive, a year, or the latest."""

    kind: str
    heading: str
    description: str
    teasers: tuple[Teaser, ...]
    pager: Pager
    feed_url: str | None
    section: Section | None = None
    directive: Directive | None = None


@dataclass(frozen=True)
class DirectiveCount:
    """A directive with the number of articles that implement it."""

    directive: Directive
    count: int


@dataclass(frozen=True)
class Home:
    """The front page: the featured lead, the latest news, a block per section, the directives."""

    featured: tuple[Teaser, ...]
    latest: tuple[Teaser, ...]
    blocks: tuple[tuple[Section, tuple[Teaser, ...]], ...]
    directives: tuple[DirectiveCount, ...]


@dataclass(frozen=True)
class Page:
    """One HTML file to render: where it goes, which template draws it, and its data."""

    output: str
    url: str
    template: str
    title: str
    description: str
    data: Any
    source: str = ""
    sitemap: bool = True
    date: datetime | None = None


@dataclass(frozen=True)
class Feed:
    """One Atom feed: its output path, title, page URL and newest entries."""

    output: str
    url: str
    title: str
    page_url: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Asset:
    """A file copied as it is, from content/ or from the theme; its size and time say which version."""

    output: str
    source: str
    size: int = 0
    mtime_ns: int = 0


@dataclass(frozen=True)
class Sitemap:
    """sitemap.xml: every public page's absolute address, with the date of the articles."""

    output: str
    urls: tuple[tuple[str, str], ...]  # (absolute URL, "2014-12-30" or "")


@dataclass(frozen=True)
class TextFile:
    """A small file whose whole text is known when the site is assembled, such as robots.txt."""

    output: str
    text: str


@dataclass(frozen=True)
class ThemeFile:
    """A file the theme declares with a template in templates/files/ (a JSON feed, opensearch.xml...).

    It is drawn with every published article (`entries`, newest first), so its key changes with any of them.
    """

    output: str
    template: str
    source: str  # the template file, as the editor sees it: "giao-dien/templates/files/tin-moi.json"
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class SearchIndex:
    """The site's search index (a folder of files Pagefind writes): every article with a page and every standalone page."""

    output: str  # "pagefind/": the folder
    entries: tuple[Entry, ...]
    language: str = "vi"
    replaces: tuple[str, ...] | None = None  # a partial index (serve's pagefind-recent/): the URLs whose results it replaces


Output = Union[Page, Feed, Sitemap, TextFile, ThemeFile, Asset, ImageVariant, SearchIndex]  # everything a site writes; see outputs.declare_outputs


@dataclass(frozen=True)
class Site:
    """The whole site, ready to render."""

    config: Config
    register: Register
    entries: tuple[Entry, ...]
    pages: tuple[Page, ...]
    feeds: tuple[Feed, ...]
    assets: tuple[Asset, ...]
    built_at: datetime
    preview: bool
    sitemap: Sitemap = Sitemap("sitemap.xml", ())  # declared with the pages: an edit to what an article says keeps it
    images: tuple[ImageVariant, ...] = ()  # the sizes and formats of every photo the articles show

    def outputs(self) -> list[tuple[str, str]]:
        """List every output path with what produces it, for collision checks."""
        pairs = [(p.output, p.source or p.url) for p in self.pages] + [(f.output, f.url) for f in self.feeds]
        return pairs + [(a.output, a.source) for a in self.assets] + [(v.output, v.shown) for v in self.images]

    @cached_property
    def standalone_pages(self) -> tuple[Page, ...]:
        """List the standalone pages (about, contact), for menus and footers."""
        return tuple(page for page in self.pages if page.template == "page.html")


def has_own_error(path: str, broken: frozenset[str]) -> bool:
    """Tell whether a content file, or a folder that holds it, was refused with an error of its own (which then
    explains a link to it: the link is not reported again)."""
    return path in broken or any(path.startswith(folder) for folder in broken if folder.endswith("/"))
