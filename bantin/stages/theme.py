"""The theme: the folders it is looked up in, its templates and static files, and what its templates read of the site.

A site's own theme (`theme` in site.toml, or a theme/ folder beside it) comes first; whatever it
lacks comes from bantin's default theme.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import nodes

from ..problems import BuildError, Problem
from .config import Config, KeyLines
from .model import Asset

DEFAULT_THEME = Path(__file__).resolve().parent.parent.parent / "theme"
THEME_FILES = "files/"  # templates in templates/files/ each declare one output file (see outputs.theme_files)
SMALL_SITE_PARTS = frozenset({"config", "register", "preview", "built_at", "standalone_pages"})  # what any page may read


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


def theme_static(config: Config) -> tuple[Asset, ...]:
    """List the theme's static files as outputs under static/; a site theme's file wins over the default's."""
    return tuple(Asset(f"static/{name}", str(file), (info := file.stat()).st_size, info.st_mtime_ns)
                 for name, file in theme_layer(config, "static").items())


def template_files(config: Config) -> list[tuple[str, Path]]:
    """List every template the site can use by name ("article.html"), a site theme's hiding the default's."""
    return sorted(theme_layer(config, "templates").items())


def theme_layer(config: Config, part: str) -> dict[str, Path]:
    """Map each file under `part` (templates, static) of the theme folders, by its name there, to the file that wins."""
    found: dict[str, Path] = {}
    for folder in reversed(theme_dirs(config.root, config.theme)):
        base = folder / part
        for file in sorted(base.rglob("*")) if base.is_dir() else ():
            if file.is_file():
                found[file.relative_to(base).as_posix()] = file
    return found


def whole_site_readers(config: Config, pages_only: bool = False) -> list[tuple[str, int, str]]:
    """List (template, line, what) wherever a template reads more of `site` than every page's own share of it.

    Such a template makes the processes render with the whole site model. A page template that
    does makes every page depend on every article, so that an edit renders every page again
    (`pages_only` lists just those); a theme file depends on every article anyway.
    """
    found = []
    for name, file in template_files(config):
        if pages_only and name.startswith(THEME_FILES):
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # reported when the template is used
        found += [(f"templates/{name}", line, what) for line, what in site_reads(text)]
    return found


@lru_cache(maxsize=256)
def site_reads(text: str) -> tuple[tuple[int, str], ...]:
    """List (line, what) wherever a template's text reads more of `site` than SMALL_SITE_PARTS (parsed once per text)."""
    try:
        tree = jinja2.Environment().parse(text)
    except jinja2.TemplateSyntaxError:
        return ()  # reported when the template is used
    parts = {id(node.node): node for node in tree.find_all(nodes.Getattr) if isinstance(node.node, nodes.Name)}
    found = []
    for node in tree.find_all(nodes.Name):
        if node.name != "site" or node.ctx != "load":
            continue
        part = parts.get(id(node))
        if part is None or part.attr not in SMALL_SITE_PARTS:
            found.append((node.lineno, f"site.{part.attr}" if part else "site"))
    return tuple(found)
