"""Stage 5: render every page of the site model through the theme's Jinja templates."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
import traceback
from collections import ChainMap, OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, MutableMapping

import jinja2
import markupsafe
from jinja2.runtime import Context, new_context
from markupsafe import Markup

from .config import Config, KeyLines
from .dates import long_vietnamese, rfc3339, short_vietnamese
from .model import Page, Site
from .problems import BuildError, Problem

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "theme"
PARTIALS_KEPT = 4000  # about 5 MB per process
TEASER_TEMPLATE = "_teaser.html"
_environments: dict[str, Environment] = {}  # in a worker: the environment of the render context under way
JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # made once: json.dumps makes one per call
as_markup: Callable[[type[Markup], str], Markup] = str.__new__  # as_markup(Markup, text): Markup(text) minus its __html__ check
try:  # MarkupSafe's own C escaping, without the Python-level Markup() around it (the version is pinned)
    from markupsafe._speedups import _escape_inner as escape_text
except ImportError:  # pragma: no cover - MarkupSafe without its C extension
    def escape_text(text: str) -> str:
        """Escape a plain string for HTML."""
        return str(markupsafe.escape(text))


def escape(value: Any) -> Markup:
    """Escape a value for HTML as markupsafe.escape does, quicker for the two common cases (about 40 a page).

    A plain string skips the Markup constructor's check for __html__; a Markup is returned as it
    is, where markupsafe.escape would copy it.
    """
    kind = type(value)
    if kind is str:
        return as_markup(Markup, escape_text(value))
    if kind is Markup:
        return value
    return markupsafe.escape(value)


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """Return the theme folders to search, the site's own theme first, the default last."""
    dirs = [(site_root / theme).resolve()] if theme else []
    local = (site_root / "theme").resolve()
    if local != DEFAULT_THEME and local.is_dir() and not theme:
        dirs.append(local)
    return dirs + [DEFAULT_THEME]


def check_theme(config: Config) -> None:
    """Refuse a `theme` in site.toml that names no folder, rather than silently using the default."""
    if config.theme and not (config.root / config.theme).is_dir():
        lines = KeyLines((config.root / "site.toml").read_text(encoding="utf-8-sig"))
        raise BuildError([Problem("site.toml", lines.of("theme", lines.table("site")),
                                  f"Không tìm thấy thư mục giao diện “{config.theme}” (khai báo ở theme = ...).",
                                  "Tạo thư mục đó cạnh site.toml, với templates/ và static/ bên trong, hoặc xoá dòng theme để dùng giao diện mặc định.")])


class Template(jinja2.Template):
    """A Jinja template that escapes with `escape`, and whose every context gets the environment's globals in one copy.

    Jinja hands a template its globals as a ChainMap over the environment's, and copies
    them into each new context key by key, in Python: a tenth of the time spent rendering,
    with a context per page and per partial. Nothing here sets globals per template, so the
    environment's own dict holds the same names and values, and copies in one step.
    """

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: Any, globals: MutableMapping[str, Any],
                  uptodate: Callable[[], bool] | None = None) -> Template:
        """Make a template from its compiled code, as Jinja does, then point its output at `escape`.

        Compiled templates escape every `{{ }}` through the name `escape` in their own namespace.
        """
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape
        return template

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> Context:
        """Create a context for rendering this template, as Jinja does."""
        own = self.globals
        plain = isinstance(own, ChainMap) and len(own.maps) == 2 and not own.maps[0] and own.maps[1] is self.environment.globals
        return new_context(self.environment, self.name, self.blocks, vars, shared,
                           self.environment.globals if plain else own, locals)


class QuickContext(Context):
    """A template context that calls bantin's own template functions straight away.

    Jinja's Context.call first inspects the callable for the context or environment it may
    want: a fifth of the cost of a call, and a page makes about seven (cards, partials, menu).
    """

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        """Call a function from a template: directly if it is one of bantin's (see Environment.plain), else as Jinja does."""
        if __self.environment.plain.get(id(__obj)) is __obj:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__obj, *args, **kwargs)


class Environment(jinja2.Environment):
    """The Jinja environment of one site: its templates, globals and the partials rendered lately."""

    template_class = Template
    context_class = QuickContext
    partials: Partials
    plain: dict[int, Callable[..., Any]]  # bantin's template functions, by id: none needs the context

    def add_functions(self, functions: dict[str, Callable[..., Any]]) -> None:
        """Make functions globals of the templates, called without looking for a context to pass."""
        self.globals.update(functions)
        self.plain.update((id(function), function) for function in functions.values())


def make_environment(site: Site) -> Environment:
    """Create the Jinja environment: autoescaped, strict about undefined names."""
    check_theme(site.config)
    folders = [str(d / "templates") for d in theme_dirs(site.config.root, site.config.theme)]
    env = Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True,
                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, auto_reload=False)  # each environment serves one theme digest
    base_path = site.config.base_path
    base_url = site.config.base_url.rstrip("/") + "/"
    env.globals.update(site=site, config=site.config, preview=site.preview, standalone_pages=standalone_pages(site))
    links = {"url": lambda path: base_path + str(path).lstrip("/") if str(path).startswith("/") else str(path),
             "absolute_url": lambda path: base_url + str(path).lstrip("/") if str(path).startswith("/") else str(path),
             "static_url": static_urls(site, base_path)}
    env.plain = {}
    env.add_functions(links)
    env.filters.update(links)  # `x|url` is the same as `url(x)`, at less than half the cost in a template
    env.partials = Partials(env)
    env.add_functions(dict(news_article=lambda page: news_article(env, page), cached_partial=env.partials.render,
                           teaser_card=env.partials.teaser_card, teaser_cards=env.partials.teaser_cards,
                           menu_current=menu_current(site.config)))
    env.filters.update(date_long=long_vietnamese, date_short=short_vietnamese, iso=rfc3339, json_script=json_script)
    return env


def environment_for(context: str, skeleton: Site) -> Environment:
    """Return a worker's environment for a render context, made on first use (one context at a time)."""
    env = _environments.get(context)
    if env is None:
        _environments.clear()
        env = _environments[context] = make_environment(skeleton)
    return env


def point_at(env: Environment, site: Site) -> None:
    """Let an environment made for an earlier build of the site render this one (see session.py)."""
    env.globals.update(site=site, standalone_pages=standalone_pages(site))
    env.partials.kept.clear()  # a partial may show what changed


def standalone_pages(site: Site) -> tuple[Page, ...]:
    """List the standalone pages (about, contact) for menus and footers.

    Templates should use this rather than `site.pages`: a template that reads `site` depends on
    every page, so no page can be skipped when rebuilding after an edit (see incremental.py).
    """
    return tuple(page for page in site.pages if page.template == "page.html")


class Partials:
    """Render partial templates for `cached_partial` and `teaser_card`, keeping those rendered last.

    A partial sees only the values it is given and the globals, so the same values give the
    same HTML: a teaser card appears on about eleven article pages, the footer on every page.
    Pages sharing teasers are rendered one after another (see incremental.neighbourhood), so
    keeping the latest few thousand spares a third of the time spent in templates. In a worker,
    most teaser cards are drawn ahead (`drawn`, see cards.py).
    """

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.kept: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()
        self.places: dict[int, int] = {}  # in a worker: id(teaser) -> its place in the build's teaser table
        self.drawn: dict[tuple[Any, ...], bytes] = {}  # (place, *options) -> the card's HTML as UTF-8, drawn ahead

    def render(self, name: str, **values: Any) -> Markup:
        """Render partial `name` with `values`, reusing the HTML if it was rendered lately."""
        key = (name, *sorted(values.items()))
        try:
            hash(key)
        except TypeError:
            raise jinja2.TemplateRuntimeError(f"cached_partial(\"{name}\", ...) chỉ nhận giá trị không đổi (chữ, số, bộ), "
                                              "không nhận danh sách hay từ điển") from None
        return self.cached(key, name, values)

    def teaser_card(self, teaser: Any, level: int = 3, show_picture: bool = False, show_section: bool = True,
                    show_summary: bool = True) -> Markup:
        """Render a teaser as a list item with `_teaser.html`."""
        place = self.places.get(id(teaser))
        if place is not None and (drawn := self.drawn.get((place, level, show_picture, show_section, show_summary))) is not None:
            return as_markup(Markup, drawn.decode("utf-8", "surrogatepass"))
        options = (level, show_picture, show_section, show_summary)
        return self.cached((TEASER_TEMPLATE, teaser, *options), TEASER_TEMPLATE, card_values(teaser, options))

    def teaser_cards(self, teasers: Iterable[Any], level: int = 3, show_picture: bool = False, show_section: bool = True,
                     show_summary: bool = True) -> Markup:
        """Render teasers as list items with `_teaser.html`, one after another (one call for a whole list)."""
        cards = [self.teaser_card(teaser, level, show_picture, show_section, show_summary) for teaser in teasers]
        return as_markup(Markup, "".join(cards))  # every card is Markup already: Markup.join would escape each again

    def cached(self, key: tuple[Any, ...], name: str, values: dict[str, Any]) -> Markup:
        """Return the HTML kept under `key`, or render `name` with `values` and keep it."""
        html = self.kept.get(key)
        if html is not None:
            self.kept.move_to_end(key)
            return html
        html = self.kept[key] = as_markup(Markup, self.env.get_template(name).render(**values))
        if len(self.kept) > PARTIALS_KEPT:
            self.kept.popitem(last=False)  # the least recently shown: memory stays small however large the site
        return html


CARD_OPTIONS = tuple(inspect.signature(Partials.teaser_card).parameters.values())[2:]  # after self and teaser
CARD_OPTION_NAMES = tuple(option.name for option in CARD_OPTIONS)
CARD_OPTION_DEFAULTS = tuple(option.default for option in CARD_OPTIONS)


def card_values(teaser: Any, options: tuple[Any, ...]) -> dict[str, Any]:
    """Return what `_teaser.html` sees of a card: the teaser and each option by name (drawn ahead or not, the same)."""
    return {"teaser": teaser, **dict(zip(CARD_OPTION_NAMES, options))}


def menu_current(config: Config) -> Callable[[str], tuple[str, ...]]:
    """Return a function listing the menu URLs a page falls under: the same page, or a section holding it."""
    def current(page_url: str) -> tuple[str, ...]:
        """List the menu URLs that mark this page's place (for aria-current)."""
        return tuple(item.url for item in config.menu if item.url == page_url or (item.url != "/" and page_url.startswith(item.url)))
    return current


def static_urls(site: Site, base_path: str):
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


def news_article(env: Environment, page: Page) -> dict[str, Any]:
    """Describe an article page as schema.org's NewsArticle, ready for `json_script` (cheaper than building it in Jinja)."""
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


def render_pages(site: Site, pages: Iterable[Page] | None = None, env: Environment | None = None) -> dict[str, bytes]:
    """Render pages (all by default) to bytes, keyed by output path; `env` reuses an environment (see incremental.py)."""
    env = env or make_environment(site)
    rendered: dict[str, bytes] = {}
    templates: dict[str, jinja2.Template] = {}
    for page in site.pages if pages is None else pages:
        try:
            template = templates.get(page.template) or templates.setdefault(page.template, env.get_template(page.template))
            rendered[page.output] = template.render(page=page, data=page.data).encode("utf-8")
        except jinja2.TemplateError as error:
            raise BuildError([template_problem(error, page, site.config.root)]) from error
    return rendered


def template_problem(error: jinja2.TemplateError, page: Page, root: Path) -> Problem:
    """Locate a template error in the theme file that caused it."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return Problem(theme_file(error.filename, error.name, root), error.lineno or 0, f"Lỗi cú pháp trong mẫu giao diện: {error.message}",
                       "Kiểm tra các cặp {% ... %} và {{ ... }} ở dòng này.")
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(page.source or page.url, 0, f"Không tìm thấy mẫu giao diện “{error.name}”.", "Thêm mẫu đó vào theme/templates/.")
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((".html", ".xml"))]
    where = frames[-1] if frames else None
    return Problem(theme_file(where.filename if where else None, page.template, root), where.lineno if where else 0,
                   f"Lỗi khi dựng trang {page.url} bằng mẫu giao diện: {explain(error)}",
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
