"""Stage 4: assemble parsed articles into the complete site model, checking cross-references."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from datetime import datetime

from .config import Config
from .content import Article
from .directives import Register
from .discover import SourceFile
from .links import Targets, attachment_links, lead_picture, resolve_body
from .model import Asset, Entry, Site, Teaser
from .pages import build_feeds, build_pages
from .problems import BuildError, Problem, did_you_mean, errors_only

NEIGHBOURS = 5


@dataclass(frozen=True)
class Options:
    """What kind of build this is: which items to include and when "now" is."""

    now: datetime
    drafts: bool = False
    future: bool = False
    preview: bool = False


def assemble(config: Config, register: Register, articles: list[Article], pages: list[Article],
             assets: tuple[SourceFile, ...], options: Options) -> tuple[Site, list[Problem]]:
    """Build the Site from parsed records; raise BuildError on any broken reference."""
    problems: list[Problem] = []
    shown = [a for a in articles if visible(a, options)]
    shown_pages = [p for p in pages if visible(p, options)]
    targets = make_targets(config, shown, shown_pages, articles + pages, assets)
    entries = sorted((place(a, config, register, targets, options, problems) for a in shown), key=newest_first)
    entries = link_neighbours(entries, problems)
    page_entries = [place(p, config, register, targets, options, problems) for p in shown_pages]
    site_assets = tuple(Asset(s.path, str(s.file)) for s in assets)
    site = Site(config, register, tuple(entries), (), (), site_assets, options.now, options.preview)
    site = replace(site, pages=build_pages(site, tuple(page_entries)), feeds=build_feeds(site))
    problems += collisions(site)
    if errors_only(problems):
        raise BuildError(problems)
    return site, problems


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
                 assets: tuple[SourceFile, ...]) -> Targets:
    """Index where every local reference may point."""
    urls = {a.path: article_url(a, config) for a in shown + pages if not a.external_url}
    urls |= {a.path: a.external_url for a in shown if a.external_url}
    hidden = frozenset(a.path for a in every) - set(urls)
    return Targets(urls, {s.path: s.file for s in assets}, hidden, config.base_path)


def place(article: Article, config: Config, register: Register, targets: Targets, options: Options,
          problems: list[Problem]) -> Entry:
    """Resolve an article's section, directives, links and files."""
    path = f"content/{article.path}"
    section = section_of(article, config)
    if article.section and section is None:
        problems.append(Problem(path, article.line_of("section"), f"Chuyên mục không tồn tại “{article.section}”.",
                                did_you_mean(article.section, [s.slug for s in config.sections] + [s.name for s in config.sections])))
    directives = []
    for name in article.directives:
        directive = register.find(name)
        if directive is None:
            problems.append(Problem(path, article.line_of("directives"), f"Văn bản chỉ đạo chưa có trong danh mục: “{name}”.",
                                    register.suggest(name) + " Nếu là văn bản mới, hãy thêm nó vào content/directives.toml."))
        elif directive not in directives:
            directives.append(directive)
    picture = lead_picture(article, targets, problems)
    url = targets.urls.get(article.path, article_url(article, config))
    tag = badge(article, options) if options.preview else ""
    teaser = Teaser(url, article.title, article.date or options.now, article.summary, section, picture, bool(article.external_url), tag)
    return Entry(article, url, section, tuple(directives), resolve_body(article, targets, problems), picture,
                 attachment_links(article, targets, problems), tag, teaser)


class Chains:
    """Entries grouped by directive and by section, each group oldest first, with positions."""

    def __init__(self, entries: list[Entry]) -> None:
        self.groups: dict[object, list[Entry]] = {}
        self.position: dict[tuple[object, str], int] = {}
        for entry in reversed(entries):
            for key in (*entry.directives, ("section", entry.section)):
                group = self.groups.setdefault(key, [])
                self.position[(key, entry.article.path)] = len(group)
                group.append(entry)

    def around(self, entry: Entry, key: object) -> list[Entry]:
        """Return the entries just older than `entry` in a group, then just newer ones."""
        group, index = self.groups[key], self.position[(key, entry.article.path)]
        older = group[max(0, index - NEIGHBOURS):index]
        return older + group[index + 1:index + 1 + NEIGHBOURS - len(older)]


def link_neighbours(entries: list[Entry], problems: list[Problem]) -> list[Entry]:
    """Fill in "Tin liên quan" and "Các tin khác" for every entry."""
    by_key = {e.article.slug: e for e in entries} | {e.article.path: e for e in entries}
    chains = Chains(entries)
    return [replace(e, related=related(e, by_key, chains, problems), others=others(e, chains)) for e in entries]


def related(entry: Entry, by_key: dict[str, Entry], chains: Chains, problems: list[Problem]) -> tuple[Teaser, ...]:
    """Explicit related items first, then the nearest articles that share a directive."""
    chosen = [t for name in entry.article.related if (t := explicit(entry, name, by_key, problems))]
    nearby = {n.article.path: n for d in entry.directives for n in chains.around(entry, d)}
    for neighbour in sorted(nearby.values(), key=newest_first):
        if len(chosen) >= NEIGHBOURS:
            break
        if neighbour.teaser not in chosen:
            chosen.append(neighbour.teaser)
    return tuple(chosen)


def explicit(entry: Entry, name: str, by_key: dict[str, Entry], problems: list[Problem]) -> Teaser | None:
    """Resolve one `related` item by slug or by path relative to the article."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(entry.article.path), name))
    found = by_key.get(path) or by_key.get(name)
    if found is None:
        problems.append(Problem(f"content/{entry.article.path}", entry.article.line_of("related"),
                                f"Không tìm thấy bài liên quan “{name}”.",
                                did_you_mean(name, [k for k in by_key if not k.endswith(".md")]) or "Ghi slug của bài, hoặc đường dẫn tới tệp .md."))
    return found.teaser if found else None


def others(entry: Entry, chains: Chains) -> tuple[Teaser, ...]:
    """Return "Các tin khác": the articles just before this one in its section."""
    return tuple(e.teaser for e in sorted(chains.around(entry, ("section", entry.section)), key=newest_first))


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
    return problems
