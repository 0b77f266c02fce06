"""Stage 5: make every declared output: pages through the theme's Jinja templates, feeds and the rest in Python.

`render` hands the outputs to `run`, which makes each into the staging folder, in this
process or in the build's workers (the pipeline decides). What each process
renders with (the Jinja environment and the templates, compiled once) is a `Renderer`,
made once per process and build from the `RenderJob` they all share.
"""

from __future__ import annotations

import hashlib
import json
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, MutableMapping, Sequence, TypeVar

import jinja2
from markupsafe import Markup

from ..problems import BuildError, Problem
from .config import Config
from .dates import long_vietnamese, rfc3339, short_vietnamese
from .feeds import atom, sitemap
from .images import Encoder, ImageFault, ImageVariant, KeptVariants
from .model import Feed, Output, Page, SearchIndex, Site, Sitemap, Teaser, TextFile, ThemeFile
from .search import STOP_WORDS, KeptIndexes, PendingIndex
from .theme import THEME_FILES, check_theme, theme_dirs
from .write import Staging, StagingReport

TEASER_TEMPLATE = "_teaser.html"
ESCAPED_FILES = (".html", ".htm", ".xml", ".svg", ".rss", ".atom")  # theme files whose values are HTML-escaped
JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
P = TypeVar("P")
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
Run = Callable[..., Iterator[Any]]  # run(work, items, shared, prepare): see run_serially


def run_serially(work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P]) -> Iterator[R]:
    """Run `work(prepare(shared), item)` for every item, in order, in this process (the build's workers do the same)."""
    prepared = prepare(shared)
    return (work(prepared, item) for item in items)


# ----------------------------------------------------------------------------- what every process renders with

@dataclass(frozen=True)
class Kept:
    """What a render may keep and reuse; none of it changes what is made, and the reference build keeps nothing.

    `partials` makes the store of rendered partials each process keeps (see Partials); None keeps none.
    `images` keeps encoded image variants between builds; None encodes every one.
    `indexes` keeps search indexes between builds; None has Pagefind build every one.
    `templates` keeps the theme's templates compiled between builds (Jinja's bytecode cache); None compiles them.
    """

    partials: Callable[[], MutableMapping[tuple[Any, ...], Markup]] | None = None
    images: KeptVariants | None = None
    indexes: KeptIndexes | None = None
    templates: jinja2.BytecodeCache | None = None


class Partials:
    """Render partial templates for `cached_partial`, `teaser_card` and `teaser_cards`.

    A partial sees only the values it is given and the globals, so the same values give the same
    HTML: a teaser card appears on about eleven pages, the footer on every page. With a `kept`
    store, each is rendered once per process while the store keeps it.
    """

    def __init__(self, env: jinja2.Environment, kept: MutableMapping[tuple[Any, ...], Markup] | None) -> None:
        self.env, self.kept = env, kept

    def render(self, name: str, **values: Any) -> Markup:
        """Render partial `name` with `values` (text, numbers, tuples: values that cannot change)."""
        key = (name, *sorted(values.items()))
        try:
            hash(key)
        except TypeError:
            raise jinja2.TemplateRuntimeError(f"cached_partial(\"{name}\", ...) chỉ nhận giá trị không đổi (chữ, số, bộ), "
                                              "không nhận danh sách hay từ điển") from None
        return self.cached(key, name, values)

    def teaser_card(self, teaser: Teaser, level: int = 3, show_picture: bool = False, show_section: bool = True,
                    show_summary: bool = True) -> Markup:
        """Render a teaser as a list item with `_teaser.html`."""
        values = dict(teaser=teaser, level=level, show_picture=show_picture, show_section=show_section, show_summary=show_summary)
        return self.cached((TEASER_TEMPLATE, teaser, level, show_picture, show_section, show_summary), TEASER_TEMPLATE, values)

    def teaser_cards(self, teasers: Iterable[Teaser], level: int = 3, show_picture: bool = False, show_section: bool = True,
                     show_summary: bool = True) -> Markup:
        """Render teasers as list items with `_teaser.html`, one after another."""
        return Markup("").join(self.teaser_card(t, level, show_picture, show_section, show_summary) for t in teasers)

    def cached(self, key: tuple[Any, ...], name: str, values: dict[str, Any]) -> Markup:
        """Return the HTML kept under `key`, or render `name` with `values` (and keep it, if there is a store)."""
        if self.kept is not None and (html := self.kept.get(key)) is not None:
            return html
        html = Markup(self.env.get_template(name).render(**values))
        if self.kept is not None:
            self.kept[key] = html
        return html


class Environment(jinja2.Environment):
    """A Jinja environment whose templates see its globals through a plain dict.

    Jinja's own make_globals gives each template a ChainMap over the environment's globals, and
    every render copies it into a new context key by key, in Python: about a tenth of the time
    spent in templates, with a context per page and per partial. A dict copies in one step.
    Nothing changes the globals once templates are loaded (Jinja's documentation asks as much).
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Return the globals a template sees: the environment's, overlaid by its own."""
        return {**self.globals, **(d or {})}


def make_environment(site: Site, kept: MutableMapping[tuple[Any, ...], Markup] | None = None,
                     compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """Create the Jinja environment: autoescaped, strict about undefined names, with bantin's filters and functions."""
    check_theme(site.config)
    folders = [str(d / "templates") for d in theme_dirs(site.config.root, site.config.theme)]
    env = Environment(loader=jinja2.FileSystemLoader(folders), autoescape=escaped, undefined=jinja2.StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
                      bytecode_cache=compiled)
    base_path = site.config.base_path
    base_url = site.config.base_url.rstrip("/") + "/"
    links = {"url": lambda path: base_path + str(path).lstrip("/") if str(path).startswith("/") else str(path),
             "absolute_url": lambda path: base_url + str(path).lstrip("/") if str(path).startswith("/") else str(path),
             "static_url": static_urls(site, base_path)}
    partials = Partials(env, kept)
    env.globals.update(site=site, config=site.config, preview=site.preview, standalone_pages=site.standalone_pages, **links,
                       news_article=lambda page: news_article(env, page), cached_partial=partials.render,
                       teaser_card=partials.teaser_card, teaser_cards=partials.teaser_cards,
                       menu_current=menu_current(site.config), search_stop_words=" ".join(sorted(STOP_WORDS)))
    env.filters.update({name: at_render_time(link) for name, link in links.items()},
                       date_long=long_vietnamese, date_short=short_vietnamese, iso=rfc3339, json_script=json_script)
    return env


def at_render_time(function: Callable[[str], str]) -> Callable[..., str]:
    """Make a filter that reads the site's settings into one that Jinja calls while rendering, never while compiling.

    Jinja works out a filter of a constant (`'/'|url`) once, while compiling, and writes the
    result into the compiled template. A template compiled for one base_url or one version of
    the stylesheet would then carry it into a build with another, when compiled templates are
    kept between builds. A filter that takes the context is never worked out ahead.
    """
    return jinja2.pass_context(lambda context, value: function(value))


def escaped(name: str | None) -> bool:
    """Tell whether a template's values are HTML-escaped: every page template, and theme files that are markup."""
    return name is None or not name.startswith(THEME_FILES) or name.endswith(ESCAPED_FILES)


def menu_current(config: Config) -> Callable[[str], tuple[str, ...]]:
    """Return a function listing the menu URLs a page falls under: the same page, or a section holding it."""
    def current(page_url: str) -> tuple[str, ...]:
        """List the menu URLs that mark this page's place (for aria-current)."""
        return tuple(item.url for item in config.menu if item.url == page_url or (item.url != "/" and page_url.startswith(item.url)))
    return current


def static_urls(site: Site, base_path: str) -> Callable[[str], str]:
    """Return a function giving a theme file's URL, versioned by its content so caches stay fresh."""
    folders = [d / "static" for d in theme_dirs(site.config.root, site.config.theme)]
    versions: dict[str, str] = {}

    def static_url(name: str) -> str:
        """Return a theme file's URL with a content hash, so browsers never keep a stale copy."""
        if name not in versions:
            file = next((f / name for f in folders if (f / name).is_file()), None)
            if file is None:
                raise jinja2.TemplateError(f"không có tệp tĩnh “{name}” trong theme/static/")
            versions[name] = hashlib.sha256(file.read_bytes()).hexdigest()[:10]
        return f"{base_path}static/{name}?v={versions[name]}"
    return static_url


def news_article(env: jinja2.Environment, page: Page) -> dict[str, Any]:
    """Describe an article page as schema.org's NewsArticle, ready for `json_script`."""
    entry, article, config = page.data, page.data.article, env.globals["config"]
    absolute_url = env.globals["absolute_url"]
    author = {"@type": "Person", "name": article.author} if article.author else {"@type": "Organization", "name": config.title}
    return {"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": jinja2.filters.do_truncate(env, article.title, 110, end="…"),
            "datePublished": rfc3339(article.date), "inLanguage": config.lang, "mainEntityOfPage": absolute_url(page.url),
            "author": author, "publisher": {"@type": "Organization", "name": config.title},
            "image": [absolute_url(entry.picture.url)] if entry.picture else [],
            "articleSection": entry.section.name if entry.section else "", "about": [d.name for d in entry.directives]}


def json_script(value: Any) -> Markup:
    """Serialise data for a <script type="application/ld+json"> block, safe inside HTML."""
    text = JSON.encode(value)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class Renderer:
    """Everything one process renders with during a build: the environment, its templates, the site."""

    def __init__(self, site: Site, kept: Kept = Kept()) -> None:
        self.site = site
        self.env = make_environment(site, kept.partials() if kept.partials else None, kept.templates)
        self.templates: dict[str, jinja2.Template] = {}
        self.encoder = Encoder(kept.images)

    def produce(self, output: Output) -> bytes | Path:
        """Return an output's bytes, or the file to copy as it is."""
        if isinstance(output, Page):
            return self.page(output)
        if isinstance(output, Feed):
            return atom(self.site.config, output).encode("utf-8")
        if isinstance(output, Sitemap):
            return sitemap(output).encode("utf-8")
        if isinstance(output, TextFile):
            return output.text.encode("utf-8")
        if isinstance(output, ThemeFile):
            return self.theme_file(output)
        if isinstance(output, ImageVariant):
            return self.image(output)
        return Path(output.source)

    def image(self, variant: ImageVariant) -> bytes:
        """Encode one size and format of a photo."""
        try:
            return self.encoder.make(variant)
        except ImageFault as fault:
            where, line = variant.shown_in
            raise BuildError([Problem(where or variant.shown, line, fault.message, fault.hint)]) from None

    def page(self, page: Page) -> bytes:
        """Render one page through its template."""
        try:
            template = self.templates.get(page.template) or self.templates.setdefault(page.template, self.env.get_template(page.template))
            return template.render(page=page, data=page.data).encode("utf-8")
        except jinja2.TemplateError as error:
            raise BuildError([template_problem(error, page.template, page.source or page.url, f"trang {page.url}", self.site.config.root)]) from error

    def theme_file(self, file: ThemeFile) -> bytes:
        """Render one of the theme's files with every published article."""
        try:
            return self.env.get_template(file.template).render(entries=file.entries).encode("utf-8")
        except jinja2.TemplateError as error:
            raise BuildError([template_problem(error, file.template, file.source, f"tệp /{file.output}", self.site.config.root)]) from error


@dataclass(frozen=True)
class RenderJob:
    """What every process of one build renders (`site`), with what it may keep (`kept`), into (`staging`)."""

    site: Site
    kept: Kept
    staging: Staging


@dataclass(frozen=True)
class BatchReport:
    """What rendering one batch wrote, or the problems that stopped it."""

    written: StagingReport
    problems: tuple[Problem, ...] = ()


def prepare(job: RenderJob) -> tuple[Renderer, Staging]:
    """Make a process's renderer for a build (once per process and build)."""
    return Renderer(job.site, job.kept), job.staging


def render_one(prepared: tuple[Renderer, Staging], output: Output) -> BatchReport:
    """Make one output and write it into the staging folder."""
    renderer, staging = prepared
    try:
        made = renderer.produce(output)
    except BuildError as error:  # returned as data: the exception would not survive the trip from a worker
        return BatchReport(StagingReport(), error.problems)
    return BatchReport(staging.put_all({output.output: made}))


def neighbourhood(output: Output) -> tuple[str, str, str, str]:
    """Order outputs so that pages showing the same teasers come together (by kind, section and date), and the variants of
    one photo, drawn from one decode."""
    if isinstance(output, Page):
        return output.template, output.url.split("/", 2)[1], str(output.date or ""), output.output
    if isinstance(output, ImageVariant):
        return "~ImageVariant", output.source, f"{99999 - output.width:05d}", output.output  # the widest first
    return "~" + type(output).__name__, "", "", output.output


def render(site: Site, outputs: Sequence[Output], staging: Staging, run: Run = run_serially, kept: Kept = Kept()) -> StagingReport:
    """Make every output into the staging folder with `run`, pages showing the same teasers together; raise BuildError on a template error.

    The search index is built by Pagefind in a process of its own, started first, while the pages are made.
    """
    indexes = [PendingIndex(o, kept.indexes) for o in outputs if isinstance(o, SearchIndex)]
    ordered = sorted((o for o in outputs if not isinstance(o, SearchIndex)), key=neighbourhood)
    written, names, problems = 0, [], ()
    try:
        for done in run(render_one, ordered, RenderJob(site, kept, staging), prepare):
            written += done.written.written
            names += done.written.names
            problems = problems or done.problems
        if problems:
            raise BuildError(problems)
        for index in indexes:
            made = staging.put_all(index.files())
            written, names = written + made.written, names + list(made.names)
    finally:
        for index in indexes:
            index.cancel()
    return StagingReport(written, len(names) - written, frozenset(names))


def render_in_memory(site: Site, outputs: Iterable[Output]) -> dict[str, bytes | Path]:
    """Make outputs here, into a dict (for `check` and tests)."""
    renderer = Renderer(site)
    return {output.output: renderer.produce(output) for output in outputs if not isinstance(output, SearchIndex)}



# ----------------------------------------------------------------------------- template errors, located

def template_problem(error: jinja2.TemplateError, template: str, source: str, made: str, root: Path) -> Problem:
    """Locate a template error in the theme file that caused it, while making `made` from `source`."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(theme_file(error.filename, error.name, root), error.lineno or 0, f"Lỗi cú pháp trong mẫu giao diện: {error.message}",
                       "Kiểm tra các cặp {% ... %} và {{ ... }} ở dòng này.")
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(source, 0, f"Không tìm thấy mẫu giao diện “{error.name}”.", "Thêm mẫu đó vào theme/templates/.")
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "templates" in Path(f.filename).parts]
    where = frames[-1] if frames else None
    return Problem(theme_file(where.filename if where else None, template, root), where.lineno if where else 0,
                   f"Lỗi khi dựng {made} bằng mẫu giao diện: {explain(error)}",
                   "Một biến trong mẫu không tồn tại hoặc sai tên; sửa mẫu ở dòng này.")


def explain(error: jinja2.TemplateError) -> str:
    """Say in Vietnamese which name a template used that does not exist."""
    text = str(error)
    if match := re.fullmatch(r"'([^']+)' is undefined", text):
        return f"biến “{match[1]}” không tồn tại ({text})"
    if match := re.fullmatch(r"'(.+)' has no attribute '([^']+)'", text):
        return f"“{match[1]}” không có thuộc tính “{match[2]}” ({text})"
    return text


def theme_file(filename: str | None, name: str | None, root: Path) -> str:
    """Show a template's path relative to the site, else to the working folder, when possible."""
    if not filename:
        return f"theme/templates/{name}"
    path = Path(filename).resolve()
    for base in (root.resolve(), Path.cwd().resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)
