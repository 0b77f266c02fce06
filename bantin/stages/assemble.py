"""Stage 4: assemble parsed articles into the complete site model, checking cross-references."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..problems import BuildError, Problem, did_you_mean, errors_only
from .config import Config, Section
from .content import Article
from .directives import PATH as REGISTER_PATH, Register
from .discover import SourceFile
from .links import Pictures, Targets, attachment_links, body_links, lead_picture
from .model import Asset, Entry, Site, Teaser
from .neighbours import link_neighbours
from .pages import Index, build_feeds, build_pages, site_map


@dataclass(frozen=True)
class Options:
    """What kind of build this is: which items to include and when "now" is."""

    now: datetime
    drafts: bool = False
    future: bool = False
    preview: bool = False


def assemble(config: Config, register: Register, articles: list[Article], pages: list[Article],
             assets: tuple[SourceFile, ...], options: Options, theme_static: tuple[Asset, ...] = (),
             broken: frozenset[str] = frozenset()) -> tuple[Site, list[Problem]]:
    """Build the Site from parsed records; raise BuildError on any broken reference; return it with its warnings.

    `broken` names the content files that could not be parsed: links to them are not reported again.
    """
    problems: list[Problem] = []
    shown = [a for a in articles if visible(a, options)]
    shown_pages = [p for p in pages if visible(p, options)]
    targets = make_targets(config, shown, shown_pages, articles + pages, assets, broken)
    problems += missing_register(register, shown) + outside_sections(shown, config)
    entries = sorted((place(a, config, register, targets, options, problems) for a in shown), key=newest_first)
    entries = link_neighbours(entries, problems, broken)
    page_entries = tuple(place(p, config, register, targets, options, problems) for p in shown_pages)
    pictures = targets.pictures
    replaced = pictures.replaced() if pictures else frozenset()
    site_assets = tuple(Asset(s.path, s.location, s.size, s.mtime_ns) for s in assets if s.path not in replaced) + theme_static
    site = Site(config, register, tuple(entries), (), (), site_assets, options.now, options.preview,
                images=pictures.variants() if pictures else ())
    index = Index(site)
    pages = build_pages(site, page_entries, index)
    site = replace(site, pages=pages, feeds=build_feeds(site, index), sitemap=site_map(site, pages))
    problems += collisions(site)
    if errors_only(problems):
        raise BuildError(problems)
    return site, problems


def next_change(items: list[Article], now: datetime) -> datetime | None:
    """Return the first moment after `now` when an item's visibility or badge changes."""
    return min((m for a in items for m in (a.date, a.expires) if m is not None and m > now), default=None)


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


def missing_register(register: Register, articles: list[Article]) -> list[Problem]:
    """Say once, not once per article, that articles name directives and there is no register to find them in."""
    naming = [a for a in articles if a.directives]
    if register.directives or not naming:
        return []
    return [Problem(REGISTER_PATH, 0, "Không có danh mục văn bản chỉ đạo, mà các bài viết có ghi văn bản chỉ đạo "
                                      f"(ví dụ content/{naming[0].path}).",
                    "Khôi phục tệp content/directives.toml (từ bản sao lưu hoặc git), hoặc viết lại nó: "
                    "mỗi văn bản một bảng [[directives]], như trong docs/content-format.md.")]


def outside_sections(articles: list[Article], config: Config) -> list[Problem]:
    """Warn, once per folder, about articles that belong to no section: they are published under /bai-viet/ instead."""
    folders: dict[str, list[Article]] = {}
    for article in articles:
        if not article.section and section_of(article, config) is None:
            folders.setdefault(article.path.rpartition("/")[0], []).append(article)
    slugs = [s.slug for s in config.sections]
    return [Problem(f"content/{folder}/" if folder else f"content/{found[0].path}", 0,
                    "Bài viết ở đây không thuộc chuyên mục nào trong site.toml: bài được đăng ở /bai-viet/ "
                    "và không có trong trang chuyên mục nào.",
                    " ".join(filter(None, [did_you_mean(folder.split("/")[0], slugs, "Thư mục có phải là") if folder else "",
                                           "Đặt bài vào thư mục của một chuyên mục, thêm chuyên mục này vào [[sections]] "
                                           "trong site.toml, hoặc ghi section: trong bài."])), "warning")
            for folder, found in sorted(folders.items())]


def article_url(article: Article, config: Config) -> str:
    """Return the site-relative URL of an article or page."""
    if article.kind == "page":
        return f"/{article.slug}/"
    section = section_of(article, config)
    return f"/{section.slug}/{article.slug}/" if section else f"/bai-viet/{article.slug}/"


def section_of(article: Article, config: Config) -> Section | None:
    """Find an article's section: its `section` field, else its folder."""
    if article.section:
        return config.section(article.section)
    return config.section(article.path.split("/")[0]) if "/" in article.path else None


def make_targets(config: Config, shown: list[Article], pages: list[Article], every: list[Article],
                 assets: tuple[SourceFile, ...], broken: frozenset[str] = frozenset()) -> Targets:
    """Index where every local reference may point."""
    urls = {a.path: article_url(a, config) for a in shown + pages if not a.external_url}
    urls |= {a.path: a.external_url for a in shown if a.external_url}
    hidden = frozenset(a.path for a in every) - set(urls)
    pictures = Pictures({s.path: s for s in assets}, config.images)
    return Targets(urls, {s.path: s.file for s in assets}, hidden, config.base_path, broken, pictures)


def place(article: Article, config: Config, register: Register, targets: Targets, options: Options,
          problems: list[Problem]) -> Entry:
    """Resolve an article's section, lead photo, directives, links and files, and make its teaser."""
    path = f"content/{article.path}"
    section = section_of(article, config)
    if article.section and section is None:
        problems.append(Problem(path, article.line_of("section"), f"Chuyên mục không tồn tại “{article.section}”.",
                                did_you_mean(article.section, [s.slug for s in config.sections] + [s.name for s in config.sections])))
    directives: list = []
    for name in article.directives:
        directive = register.find(name)
        if directive is None and register.directives:  # with no register at all, missing_register says it once
            hint = " ".join(filter(None, [register.suggest(name), "Nếu là văn bản mới, hãy thêm nó vào content/directives.toml."]))
            problems.append(Problem(path, article.line_of("directives"), f"Văn bản chỉ đạo chưa có trong danh mục: “{name}”.", hint))
        elif directive not in directives:
            directives.append(directive)
    picture = lead_picture(article, targets, problems)
    links = body_links(article, targets, problems)
    url = targets.urls.get(article.path, article_url(article, config))
    shown_badge = badge(article, options) if options.preview else ""
    teaser = Teaser(url, article.title, article.date or options.now, article.summary, section, picture,
                    bool(article.external_url), shown_badge)
    return Entry(article, url, section, tuple(directives), picture, attachment_links(article, targets, problems),
                 shown_badge, teaser, links)


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
