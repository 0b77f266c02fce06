"""Stage 5: render every page of the site model through the theme's Jinja templates."""

from __future__ import annotations

import hashlib
import json
import re
import traceback
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from markupsafe import Markup

from .config import Config, KeyLines
from .dates import long_vietnamese, rfc3339, short_vietnamese
from .model import Page, Site
from .problems import BuildError, Problem

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "theme"
CARDS_KEPT = 4000  # about 12 MB per process


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


def make_environment(site: Site) -> jinja2.Environment:
    """Create the Jinja environment: autoescaped, strict about undefined names."""
    check_theme(site.config)
    folders = [str(d / "templates") for d in theme_dirs(site.config.root, site.config.theme)]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folders), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, auto_reload=False)  # each environment serves one theme digest
    base_path = site.config.base_path
    base_url = site.config.base_url.rstrip("/") + "/"
    env.globals.update(site=site, config=site.config, preview=site.preview, standalone_pages=standalone_pages(site))
    env.globals["url"] = lambda path: base_path + str(path).lstrip("/") if str(path).startswith("/") else str(path)
    env.globals["absolute_url"] = lambda path: base_url + str(path).lstrip("/") if str(path).startswith("/") else str(path)
    env.globals["static_url"] = static_urls(site, base_path)
    env.globals["teaser_card"] = teaser_cards(env)
    env.filters.update(date_long=long_vietnamese, date_short=short_vietnamese, iso=rfc3339, json_script=json_script)
    return env


def standalone_pages(site: Site) -> tuple[Page, ...]:
    """List the standalone pages (about, contact) for menus and footers.

    Templates should use this rather than `site.pages`: a template that reads `site` depends on
    every page, so no page can be skipped when rebuilding after an edit (see incremental.py).
    """
    return tuple(page for page in site.pages if page.template == "page.html")


def teaser_cards(env: jinja2.Environment) -> Callable[..., Markup]:
    """Return the `teaser_card` template function, which renders `_teaser.html` for one teaser.

    A teaser appears on many pages (related and other articles, listings, home), about eleven
    per article page: keeping the cards rendered last (pages sharing teasers are rendered one
    after another, see incremental.neighbourhood) spares a third of the time spent in templates.
    The partial sees only the teaser, the options and the globals.
    """
    cards: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()

    def teaser_card(teaser: Any, level: int = 3, show_picture: bool = False, show_section: bool = True,
                    show_summary: bool = True) -> Markup:
        """Render a teaser as a list item, reusing the card if it was rendered lately."""
        key = (teaser, level, show_picture, show_section, show_summary)
        card = cards.get(key)
        if card is not None:
            cards.move_to_end(key)
            return card
        options = {"level": level, "show_picture": show_picture, "show_section": show_section, "show_summary": show_summary}
        card = cards[key] = Markup(env.get_template("_teaser.html").render(teaser=teaser, **options))
        if len(cards) > CARDS_KEPT:
            cards.popitem(last=False)  # the least recently shown: memory stays small however large the site
        return card
    return teaser_card


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


def json_script(value: Any) -> Markup:
    """Serialise data for a <script type="application/ld+json"> block, safe inside HTML."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render_pages(site: Site, pages: Iterable[Page] | None = None, env: jinja2.Environment | None = None) -> dict[str, bytes]:
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
