"""Stage 4: assemble parsed articles into the complete site model, checking cross-references."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from .config import Config, Section
from .content import Article
from .directives import Register
from .discover import SourceFile
from .links import Targets, attachment_links, body_links, lead_picture
from .model import Asset, Entry, Picture, Site, Teaser
from .neighbours import link_neighbours
from .pages import Index, Keys, PagesMemo, article_page, build_feeds, build_pages
from .problems import BuildError, Problem, did_you_mean, errors_only
from .references import local_references



@dataclass(frozen=True)
class Options:
    """What kind of build this is: which items to include and when "now" is."""

    now: datetime
    drafts: bool = False
    future: bool = False
    preview: bool = False


class Memo:
    """What the last assembly computed, kept by a long-lived session and reused where the inputs are the same.

    Parsed records of untouched files are the very same objects from one rebuild to the next,
    so "the same" is mostly an identity check; what else a step reads is compared by value.
    """

    def __init__(self, once: bool = False) -> None:
        self.once = once  # used for one build only: skip noting what each step read
        self.basis: tuple = ()
        self.urls: dict[str, tuple[Article, str]] = {}
        self.placed: dict[str, tuple[Article, tuple[str, ...], tuple, Entry, tuple[Problem, ...]]] = {}
        self.ranks: dict[str, tuple[datetime, tuple[float, str]]] = {}
        self.keys = Keys()
        self.groups: dict[int, list[Entry]] = {}
        self.linked: dict[str, tuple[Entry, Entry]] = {}
        self.pages = PagesMemo()
        self.outputs: tuple[list[tuple[str, str]], list[Problem]] = ([], [])
        self.last: Assembled | None = None

    def start(self, config: Config, register: Register, options: Options) -> None:
        """Forget everything when the configuration, the register or the kind of build changed."""
        basis = (config, register, options.drafts, options.future, options.preview)
        if basis != self.basis:
            self.__init__(self.once)
            self.basis = basis


@dataclass
class Assembled:
    """The last assembly, kept so that an edit inside some articles can be patched in without redoing the rest."""

    articles: list[Article]
    pages: list[Article]
    states: dict[str, tuple[int, int]]
    targets: Targets
    now: datetime
    valid_until: datetime | None
    site: Site
    shown: list[str]
    shown_pages: list[str]
    where: dict[str, tuple[int, int]]
    linking: list[Problem]
    colliding: list[Problem]


def assemble(config: Config, register: Register, articles: list[Article], pages: list[Article],
             assets: tuple[SourceFile, ...], options: Options, memo: Memo | None = None,
             on_placed: Callable[[Site, tuple[Teaser, ...]], None] | None = None) -> tuple[Site, list[Problem]]:
    """Build the Site from parsed records; raise BuildError on any broken reference.

    `on_placed` is shown every article's teaser as soon as the articles have URLs, with a site that
    has no entries or pages yet (see cards.py); their entries then hold these very teasers.
    """
    memo = memo or Memo(once=True)
    memo.start(config, register, options)
    states = {s.path: (s.size, s.mtime_ns) for s in assets}
    patched = patch(memo, config, register, articles, pages, states, options)
    if patched is None:
        shown = [a for a in articles if visible(a, options)]
        shown_pages = [p for p in pages if visible(p, options)]
        targets = make_targets(config, shown, shown_pages, articles + pages, assets, memo)
        entries = place_articles(shown, config, register, targets, options, states, memo, on_placed)
        linking: list[Problem] = []
        entries = link_neighbours(entries, linking, memo)
        page_entries = [place_once(p, config, register, targets, options, [], states, memo) for p in shown_pages]
        site_assets = tuple(Asset(s.path, s.location) for s in assets)
        site = Site(config, register, tuple(entries), (), (), site_assets, options.now, options.preview)
        index = Index(site, memo.keys)
        site = replace(site, pages=build_pages(site, tuple(page_entries), memo.pages, index), feeds=build_feeds(site, index))
        memo.last = Assembled(list(articles), list(pages), states, targets, options.now, next_change(articles + pages, options.now),
                              site, [a.path for a in shown], [p.path for p in shown_pages], positions(site), linking,
                              collisions_once(site, memo))
    site = memo.last.site
    problems = found_problems(memo, memo.last)
    if errors_only(problems):
        raise BuildError(problems)
    return site, problems


def place_articles(shown: list[Article], config: Config, register: Register, targets: Targets, options: Options,
                   states: dict[str, tuple[int, int]], memo: Memo,
                   on_placed: Callable[[Site, tuple[Teaser, ...]], None] | None) -> list[Entry]:
    """Place the articles shown, newest first; first show `on_placed` their teasers, if it is given (see assemble)."""
    early = {a.path: teaser_parts(a, config, targets, options) for a in shown} if on_placed else {}
    if on_placed is not None:
        on_placed(Site(config, register, (), (), (), (), options.now, options.preview), tuple(e.teaser for e in early.values()))
    entries = [place_once(a, config, register, targets, options, [], states, memo, early.get(a.path)) for a in shown]
    entries.sort(key=lambda entry: rank_key(entry, memo))
    return entries


def found_problems(memo: Memo, last: Assembled) -> list[Problem]:
    """List every problem in the order a build meets them: articles, their neighbours, pages, collisions."""
    problems = [p for path in last.shown for p in memo.placed[path][4]] + last.linking
    return problems + [p for path in last.shown_pages for p in memo.placed[path][4]] + last.colliding


def next_change(items: list[Article], now: datetime) -> datetime | None:
    """Return the first moment after `now` when an item's visibility or badge changes."""
    return min((m for a in items for m in (a.date, a.expires) if m is not None and m > now), default=None)


def positions(site: Site) -> dict[str, tuple[int, int]]:
    """Map each article's path to its index in the entries and in the pages (-1 when it has no page)."""
    pages = {page.source: index for index, page in enumerate(site.pages) if page.template == "article.html"}
    return {e.article.path: (i, pages.get(f"content/{e.article.path}", -1)) for i, e in enumerate(site.entries)}


def structure(article: Article) -> tuple:
    """The fields that decide where an article appears and what links to it (everything but what it says)."""
    return (article.path, article.kind, article.status, article.date, article.expires, article.slug, article.section,
            article.directives, article.related, article.featured, article.aliases, article.external_url)


def patch(memo: Memo, config: Config, register: Register, articles: list[Article], pages: list[Article],
          states: dict[str, tuple[int, int]], options: Options) -> Site | None:
    """Patch the last site when only what some articles say has changed, in time proportional to the edit.

    Anything else (a new, removed or moved article, a changed title or summary, a page, an image,
    a date that has come) returns None, and the caller assembles everything.
    """
    last = memo.last
    if last is None or not same_frame(last, articles, pages, states, options):
        return None
    changed = [(old, new) for old, new in zip(last.articles, articles) if old is not new]
    if any(structure(old) != structure(new) for old, new in changed):
        return None
    entries, site_pages, swapped = list(last.site.entries), list(last.site.pages), {}
    for _, article in changed:
        if article.path not in last.where:
            continue  # not shown in this build
        at, page_at = last.where[article.path]
        old = entries[at]
        entry = place_once(article, config, register, last.targets, options, [], states, memo)
        if entry.teaser != old.teaser:
            return None
        entries[at] = swapped[id(old)] = replace(entry, related=old.related, others=old.others)
        memo.linked[article.path] = (entry, entries[at])
        if page_at >= 0:
            site_pages[page_at] = article_page(entries[at])
            memo.pages.articles[article.path] = (entries[at], site_pages[page_at])
    feeds = tuple(replace(f, entries=tuple(swapped.get(id(e), e) for e in f.entries)) if any(id(e) in swapped for e in f.entries)
                  else f for f in last.site.feeds)
    last.site = replace(last.site, entries=tuple(entries), pages=tuple(site_pages), feeds=feeds, built_at=options.now)
    last.articles, last.now = list(articles), options.now
    return last.site


def same_frame(last, articles: list[Article], pages: list[Article], states: dict[str, tuple[int, int]],
               options: Options) -> bool:
    """Tell whether the last site still has the same articles, pages, file states and time window."""
    return (len(articles) == len(last.articles) and states == last.states and options.now >= last.now
            and (last.valid_until is None or options.now < last.valid_until)
            and len(pages) == len(last.pages) and all(a is b for a, b in zip(pages, last.pages)))


def visible(article: Article, options: Options) -> bool:
    """Decide whether an item is published in this build."""
    if article.status == "draft" and not (options.drafts or options.preview):
        return False
    if article.date and article.date > options.now and not (options.future or options.preview):
        return False
    return not (article.expires and article.expires <= options.now)


def badge(article: Article, options: Options) -> str:
    """Label unpublished items in the preview."""
    if article.status == "draft":
        return "Bản nháp"
    return "Hẹn giờ" if article.date and article.date > options.now else ""


def newest_first(entry: Entry) -> tuple[float, str]:
    """Sort key: newest first, then by source path for a stable order."""
    return (-entry.teaser.date.timestamp(), entry.article.path)


def rank_key(entry: Entry, memo: Memo) -> tuple[float, str]:
    """Return newest_first(entry), remembered: the timestamp of a zoned date is slow to compute."""
    date = entry.teaser.date
    known = memo.ranks.get(entry.article.path)
    if known is None or (known[0] is not date and known[0] != date):
        known = memo.ranks[entry.article.path] = (date, newest_first(entry))
    return known[1]


def article_url(article: Article, config: Config) -> str:
    """Return the site-relative URL of an article or page."""
    if article.kind == "page":
        return f"/{article.slug}/"
    section = section_of(article, config)
    return f"/{section.slug}/{article.slug}/" if section else f"/bai-viet/{article.slug}/"


def section_of(article: Article, config: Config):
    """Find an article's section: its `section` field, else its folder."""
    if article.section:
        return config.section(article.section)
    return config.section(article.path.split("/")[0]) if "/" in article.path else None


def make_targets(config: Config, shown: list[Article], pages: list[Article], every: list[Article],
                 assets: tuple[SourceFile, ...], memo: Memo | None = None) -> Targets:
    """Index where every local reference may point."""
    urls = {a.path: url_once(a, config, memo) for a in shown + pages if not a.external_url}
    urls |= {a.path: a.external_url for a in shown if a.external_url}
    hidden = frozenset(a.path for a in every) - set(urls)
    return Targets(urls, {s.path: s.file for s in assets}, hidden, config.base_path)


def url_once(article: Article, config: Config, memo: Memo | None) -> str:
    """Return article_url(article, config), remembered per record."""
    known = memo.urls.get(article.path) if memo else None
    if known is not None and known[0] is article:
        return known[1]
    url = article_url(article, config)
    if memo:
        memo.urls[article.path] = (article, url)
    return url


def place_once(article: Article, config: Config, register: Register, targets: Targets, options: Options,
               problems: list[Problem], states: dict[str, tuple[int, int]], memo: Memo, early: TeaserParts | None = None) -> Entry:
    """Place an article, or reuse last time's entry when the record and everything it refers to are the same.

    `early` is the article's teaser made ahead of the rest (see teaser_parts), if it was."""
    known = memo.placed.get(article.path)
    same = known is not None and known[0] is article
    files = known[1] if same else () if memo.once else referenced_files(article)
    reads = None if memo.once else (badge(article, options) if options.preview else "", article.date or options.now,
                                    tuple((f, targets.urls.get(f), f in targets.hidden, states.get(f)) for f in files) if files else ())
    if same and reads is not None and known[2] == reads:
        problems += known[4]
        return known[3]
    found: list[Problem] = []
    entry = place(article, config, register, targets, options, found, early)
    memo.placed[article.path] = (article, files, reads, entry, tuple(found))
    problems += found
    return entry


def referenced_files(article: Article) -> tuple[str, ...]:
    """List the content paths an article's entry depends on: its links, images and attachments."""
    files = [ref.target for ref in article.refs] + [a.path for a in article.attachments]
    files += [article.image] if article.image else []
    files += local_references(article.body_html)
    return tuple(files)


@dataclass(frozen=True)
class TeaserParts:
    """What an article's teaser needs, worked out before the rest of its entry, with the problems found on the way."""

    section: Section | None
    section_problems: tuple[Problem, ...]
    picture: Picture | None
    picture_problems: tuple[Problem, ...]
    teaser: Teaser


def teaser_parts(article: Article, config: Config, targets: Targets, options: Options) -> TeaserParts:
    """Resolve an article's section and lead photo, and make its teaser."""
    section_problems: list[Problem] = []
    section = section_of(article, config)
    if article.section and section is None:
        section_problems.append(Problem(f"content/{article.path}", article.line_of("section"), f"Chuyên mục không tồn tại “{article.section}”.",
                                        did_you_mean(article.section, [s.slug for s in config.sections] + [s.name for s in config.sections])))
    picture_problems: list[Problem] = []
    picture = lead_picture(article, targets, picture_problems)
    url = targets.urls.get(article.path, article_url(article, config))
    teaser = Teaser(url, article.title, article.date or options.now, article.summary, section, picture, bool(article.external_url),
                    badge(article, options) if options.preview else "")
    return TeaserParts(section, tuple(section_problems), picture, tuple(picture_problems), teaser)


def place(article: Article, config: Config, register: Register, targets: Targets, options: Options,
          problems: list[Problem], early: TeaserParts | None = None) -> Entry:
    """Resolve an article's section, directives, links and files."""
    path = f"content/{article.path}"
    parts = early or teaser_parts(article, config, targets, options)
    problems += parts.section_problems
    directives = []
    for name in article.directives:
        directive = register.find(name)
        if directive is None:
            problems.append(Problem(path, article.line_of("directives"), f"Văn bản chỉ đạo chưa có trong danh mục: “{name}”.",
                                    register.suggest(name) + " Nếu là văn bản mới, hãy thêm nó vào content/directives.toml."))
        elif directive not in directives:
            directives.append(directive)
    problems += parts.picture_problems
    links = body_links(article, targets, problems)
    teaser = parts.teaser
    return Entry(article, teaser.url, parts.section, tuple(directives), parts.picture, attachment_links(article, targets, problems),
                 teaser.badge, teaser, links)


def collisions_once(site: Site, memo: Memo) -> list[Problem]:
    """Check collisions, or reuse last time's verdict when every output and its source are the same."""
    outputs = site.outputs()
    if outputs != memo.outputs[0]:
        memo.outputs = (outputs, collisions(site))
    return list(memo.outputs[1])


def collisions(site: Site) -> list[Problem]:
    """Refuse two things that would write one output path."""
    seen: dict[str, str] = {}
    problems = []
    for output, source in site.outputs():
        key = output.casefold()
        if key in seen and seen[key] != source:
            problems.append(Problem(source if source.startswith("content/") else seen[key], 1,
                                    f"Hai nguồn cùng ghi ra một tệp “{output}”: {seen[key]} và {source}.",
                                    "Đổi slug (thêm dòng slug: ...) của một trong hai bài."))
        seen.setdefault(key, source)
    for output, source in site.outputs():  # a file where another output needs a folder, e.g. an alias /feed.xml
        folder = output.casefold()
        while "/" in folder and (folder := folder.rsplit("/", 1)[0]) not in seen:
            pass
        if folder in seen and folder != output.casefold():
            problems.append(Problem(source if source.startswith("content/") else seen[folder], 1,
                                    f"“{output}” cần thư mục “{folder}”, nhưng {seen[folder]} đã ghi ra tệp cùng tên.",
                                    "Đổi slug hoặc địa chỉ cũ (aliases) để hai đường dẫn không đè lên nhau."))
    return problems
