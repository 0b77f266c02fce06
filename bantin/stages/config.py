"""Stage 1: load `site.toml` against a declared schema, collecting every problem."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..problems import BuildError, Problem, did_you_mean
from .images import ImageSettings

REQUIRED = object()

SITE_SCHEMA: dict[str, tuple[type, Any]] = {
    "title": (str, REQUIRED),
    "tagline": (str, ""),
    "lang": (str, "vi"),
    "timezone": (str, "Asia/Ho_Chi_Minh"),
    "base_url": (str, REQUIRED),
    "output": (str, "public"),
    "per_page": (int, 10),
    "theme": (str, ""),
    "trust_html": (bool, False),
}
SECTION_SCHEMA: dict[str, tuple[type, Any]] = {
    "slug": (str, REQUIRED),
    "name": (str, REQUIRED),
    "description": (str, ""),
}
MENU_SCHEMA: dict[str, tuple[type, Any]] = {"title": (str, REQUIRED), "url": (str, REQUIRED)}
FOOTER_SCHEMA: dict[str, tuple[type, Any]] = {
    name: (str, REQUIRED)
    for name in (
        "governing_body", "licence", "licence_issuer", "editor_in_chief",
        "address", "phone", "email", "republish_notice",
    )
}
IMAGES_SCHEMA: dict[str, tuple[type, Any]] = {
    "widths": (list, list(ImageSettings.widths)),
    "webp_quality": (int, ImageSettings.webp_quality),
    "jpeg_quality": (int, ImageSettings.jpeg_quality),
    "avif": (bool, ImageSettings.avif),
    "avif_quality": (int, ImageSettings.avif_quality),
    "originals": (bool, ImageSettings.originals),
}
SEARCH_SCHEMA: dict[str, tuple[type, Any]] = {"enabled": (bool, True)}
TOP_SCHEMA = {"site": dict, "sections": list, "menu": list, "footer": dict, "images": dict, "search": dict}
TYPE_NAMES = {str: "chuỗi trong ngoặc kép", int: "số nguyên", bool: "true hoặc false",
              list: "danh sách trong ngoặc vuông", date: "ngày dạng 2016-05-15"}


@dataclass(frozen=True)
class Section:
    """A section of the bulletin, such as "Xây dựng Đảng"."""

    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class MenuItem:
    """One entry of the main menu; `url` is site-relative ("/van-ban/") or absolute."""

    title: str
    url: str


@dataclass(frozen=True)
class Footer:
    """The facts a Vietnamese news portal must show in its footer."""

    governing_body: str
    licence: str
    licence_issuer: str
    editor_in_chief: str
    address: str
    phone: str
    email: str
    republish_notice: str


@dataclass(frozen=True)
class Config:
    """The whole validated configuration of one site."""

    root: Path
    title: str
    tagline: str
    lang: str
    timezone: str
    base_url: str
    output: Path
    per_page: int
    theme: str
    trust_html: bool
    sections: tuple[Section, ...]
    menu: tuple[MenuItem, ...]
    footer: Footer
    images: ImageSettings = ImageSettings()
    search: bool = True  # [search] enabled: the search page and its index

    @property
    def tz(self) -> ZoneInfo:
        """Return the site's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """Return the deploy sub-path from `base_url`, always ending in "/"."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def content_dir(self) -> Path:
        """Return the folder editors write in."""
        return self.root / "content"

    def section(self, key: str) -> Section | None:
        """Find a section by slug or by name."""
        return self.sections_by_key.get(key)

    @cached_property
    def sections_by_key(self) -> dict[str, Section]:
        """Map each section's slug and name to it; the first section listed wins a shared key."""
        found: dict[str, Section] = {}
        for section in self.sections:
            found.setdefault(section.slug, section)
            found.setdefault(section.name, section)
        return found


def load_config(root: Path, base_url: str | None = None, output: str | None = None) -> Config:
    """Read and validate `root/site.toml`; raise BuildError listing every problem."""
    path = root / "site.toml"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BuildError([Problem("site.toml", 0, "Không tìm thấy tệp cấu hình site.toml.",
                                  "Chạy lệnh trong thư mục dự án, hoặc chỉ thư mục bằng --root.")])
    except UnicodeDecodeError:
        raise BuildError([Problem("site.toml", 0, "site.toml không phải UTF-8.", "Lưu lại tệp với mã UTF-8.")])
    data = parse_toml(text, "site.toml")
    overrides = {key: (flag, value) for key, flag, value in (("base_url", "--base-url", base_url), ("output", "--output", output))
                 if value is not None}
    for key, (_, value) in overrides.items():
        data.setdefault("site", {})[key] = value
    return build_config(root, data, KeyLines(text, {key: flag for key, (flag, _) in overrides.items()}))


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """Parse TOML text, turning a syntax error into a located problem."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 0
        raise BuildError([Problem(name, line, f"Lỗi cú pháp TOML: {error}",
                                  "Kiểm tra dấu ngoặc kép, dấu = và tên bảng [..] ở dòng này.")])


class KeyLines:
    """Find the line where a key is set in a TOML text, for error messages."""

    def __init__(self, text: str, flags: dict[str, str] | None = None) -> None:
        self.lines = text.splitlines()
        self.flags = flags or {}  # keys whose value came from a command-line option, such as output: --output

    def place(self, key: str, after: int = 0) -> tuple[str, int]:
        """Say where a [site] value was given: its command-line option, else its line of site.toml."""
        flag = self.flags.get(key)
        return (flag, 0) if flag else ("site.toml", self.of(key, after))

    def example(self, key: str, value: str) -> str:
        """Show how to give a value, the way the editor gave it (site.toml or the command line)."""
        flag = self.flags.get(key)
        return f"{flag} {value}" if flag else f'{key} = "{value}"'

    def of(self, key: str, after: int = 0) -> int:
        """Return the 1-based line of `key = ...` at or after line `after`, else `after`."""
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number, line in enumerate(self.lines[after:], start=after + 1):
            if pattern.match(line):
                return number
        return after

    def table(self, name: str, index: int = 0) -> int:
        """Return the line of the `index`-th `[name]` or `[[name]]` header."""
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?")
        found = [n for n, line in enumerate(self.lines, start=1) if pattern.match(line)]
        return found[index] if index < len(found) else 0


def check_table(data: Any, schema: dict[str, tuple[type, Any]], where: str,
                start: int, lines: KeyLines, problems: list[Problem], file: str = "site.toml") -> dict[str, Any]:
    """Check one table against its schema, filling defaults; append problems."""
    if not isinstance(data, dict):
        problems.append(Problem(file, start, f"[{where}] phải là một bảng.", f"Viết [{where}] rồi các dòng khoá = giá trị."))
        return {}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in schema:
            problems.append(Problem(file, lines.of(key, start), f"Khoá không hợp lệ “{key}” trong [{where}].",
                                    did_you_mean(key, schema)))
            continue
        kind = schema[key][0]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(Problem(file, lines.of(key, start), f"“{key}” trong [{where}] phải là {TYPE_NAMES[kind]}.",
                                    f"Ví dụ: {key} = {example(kind)}"))
            continue
        values[key] = value
    for key, (kind, default) in schema.items():
        if key in values or key in data:
            continue
        if default is REQUIRED:
            problems.append(Problem(file, start, f"Thiếu khoá bắt buộc “{key}” trong [{where}].",
                                    f"Thêm dòng: {key} = {example(kind)}"))
        else:
            values[key] = default
    return values


def example(kind: type) -> str:
    """Show a sample TOML value of a type."""
    return {str: '"..."', int: "10", bool: "true", list: '["..."]', date: "2016-05-15"}[kind]


def check_array(data: dict[str, Any], name: str, schema: dict[str, tuple[type, Any]],
                lines: KeyLines, problems: list[Problem]) -> list[dict[str, Any]]:
    """Check an array of tables such as [[sections]]."""
    items = data.get(name, [])
    if not isinstance(items, list):
        problems.append(Problem("site.toml", lines.of(name), f"“{name}” phải là danh sách bảng [[{name}]].", ""))
        return []
    return [check_table(item, schema, name, lines.table(name, i), lines, problems) for i, item in enumerate(items)]


def build_config(root: Path, data: dict[str, Any], lines: KeyLines) -> Config:
    """Turn parsed TOML into a Config, or raise with every problem found."""
    problems: list[Problem] = []
    for key in data:
        if key not in TOP_SCHEMA:
            problems.append(Problem("site.toml", lines.table(key) or lines.of(key), f"Bảng không hợp lệ “{key}”.",
                                    did_you_mean(key, TOP_SCHEMA)))
    site = check_table(data.get("site", {}), SITE_SCHEMA, "site", lines.table("site"), lines, problems)
    sections = check_array(data, "sections", SECTION_SCHEMA, lines, problems)
    menu = check_array(data, "menu", MENU_SCHEMA, lines, problems)
    footer = check_table(data.get("footer", {}), FOOTER_SCHEMA, "footer", lines.table("footer"), lines, problems)
    images = check_table(data.get("images", {}), IMAGES_SCHEMA, "images", lines.table("images"), lines, problems)
    search = check_table(data.get("search", {}), SEARCH_SCHEMA, "search", lines.table("search"), lines, problems)
    check_site_values(site, lines, problems)
    check_sections(sections, lines, problems)
    check_image_values(images, lines, problems)
    if problems:
        raise BuildError(problems)
    section_list = tuple(Section(**s) for s in sections)
    return Config(
        root=root.resolve(), title=site["title"], tagline=site["tagline"], lang=site["lang"],
        timezone=site["timezone"], base_url=site["base_url"], output=(root / site["output"]).resolve(),
        per_page=site["per_page"], theme=site["theme"], trust_html=site["trust_html"],
        sections=section_list, menu=tuple(MenuItem(**m) for m in menu) or default_menu(section_list),
        footer=Footer(**footer), images=ImageSettings(**{**images, "widths": tuple(sorted(set(images["widths"])))}),
        search=search["enabled"],
    )


def check_site_values(site: dict[str, Any], lines: KeyLines, problems: list[Problem]) -> None:
    """Check the values of [site] that have a shape beyond their type."""
    start = lines.table("site")
    if "base_url" in site:
        parts = urlsplit(site["base_url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(Problem(*lines.place("base_url", start), "base_url phải là một địa chỉ đầy đủ.",
                                    "Ví dụ: " + lines.example("base_url", "https://example.org/ban-tin/")))
    if "timezone" in site:
        try:
            ZoneInfo(site["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem("site.toml", lines.of("timezone", start), f"Múi giờ không tồn tại “{site['timezone']}”.",
                                    'Dùng timezone = "Asia/Ho_Chi_Minh"'))
    if "per_page" in site and site["per_page"] < 1:
        problems.append(Problem("site.toml", lines.of("per_page", start), "per_page phải lớn hơn 0.", "Ví dụ: per_page = 10"))
    if not site.get("output", "x").strip():
        problems.append(Problem(*lines.place("output", start), "output không được để trống.", "Ví dụ: " + lines.example("output", "public")))
    elif ".." in Path(site.get("output", "")).parts:
        problems.append(Problem(*lines.place("output", start), f"Thư mục xuất “{site['output']}” không được chứa “..”.",
                                "Dùng một thư mục riêng trong dự án, ví dụ: " + lines.example("output", "public")))


def check_image_values(images: dict[str, Any], lines: KeyLines, problems: list[Problem]) -> None:
    """Check that [images] asks for widths and qualities an encoder can give."""
    start = lines.table("images")
    widths = images.get("widths", [800])
    if not widths or not all(isinstance(w, int) and not isinstance(w, bool) and 16 <= w <= 8000 for w in widths):
        problems.append(Problem("site.toml", lines.of("widths", start), "widths trong [images] phải là danh sách số nguyên từ 16 đến 8000.",
                                "Ví dụ: widths = [480, 800, 1200, 1600]"))
        images["widths"] = [800]
    for key in ("webp_quality", "jpeg_quality", "avif_quality"):
        if key in images and not 1 <= images[key] <= 100:
            problems.append(Problem("site.toml", lines.of(key, start), f"{key} trong [images] phải từ 1 đến 100.",
                                    f"Ví dụ: {key} = {getattr(ImageSettings, key)}"))


def check_sections(sections: list[dict[str, Any]], lines: KeyLines, problems: list[Problem]) -> None:
    """Check that section slugs are URL-safe and unique."""
    seen: set[str] = set()
    for index, section in enumerate(sections):
        slug = section.get("slug", "")
        where = lines.of("slug", lines.table("sections", index))
        if slug and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            problems.append(Problem("site.toml", where, f"slug “{slug}” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.",
                                    'Ví dụ: slug = "xay-dung-dang"'))
        if slug in seen or slug in RESERVED_SLUGS:
            problems.append(Problem("site.toml", where, f"slug “{slug}” đã được dùng.", "Chọn một slug khác cho chuyên mục này."))
        seen.add(slug)


RESERVED_SLUGS = frozenset({"van-ban", "luu-tru", "trang", "tag", "static", "feed", "tim-kiem", "pagefind"})


def default_menu(sections: tuple[Section, ...]) -> tuple[MenuItem, ...]:
    """Build the menu used when site.toml declares none."""
    items = [MenuItem("Trang chủ", "/")]
    items += [MenuItem(s.name, f"/{s.slug}/") for s in sections]
    return tuple(items + [MenuItem("Văn bản chỉ đạo", "/van-ban/")])
