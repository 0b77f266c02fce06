"""Stage 3: parse one article or page from its text into a typed, immutable record."""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..problems import Problem, did_you_mean
from . import frontmatter
from .dates import DATE_HINT, DateError, parse_date
from .discover import SourceFile, Sources, read_source
from .markup import Converter, Narrowing, ShortcutMaker, Slugify
from .slugs import slugify as library_slugify
from .source import decode


@dataclass(frozen=True)
class Attachment:
    """A file kept beside an article, such as the PDF of a directive."""

    path: str
    title: str


@dataclass(frozen=True)
class Article:
    """One article or standalone page, exactly as its editor wrote it, with its body rendered."""

    path: str
    kind: str
    title: str
    date: datetime | None
    section: str | None
    directives: tuple[str, ...]
    author: str
    source: str
    summary: str
    summary_written: bool
    image: str | None
    image_alt: str
    image_caption: str
    featured: bool
    status: str
    slug: str
    related: tuple[str, ...]
    external_url: str
    attachments: tuple[Attachment, ...]
    aliases: tuple[str, ...]
    expires: datetime | None
    extra_json: str
    body_html: str
    interview: bool
    refs: tuple[Any, ...]
    key_lines: tuple[tuple[str, int], ...]
    fingerprint: str = ""  # a digest of the source file (path, kind and bytes): which version of it this record is

    @property
    def extra(self) -> Any:
        """Return the editor's free-form `extra` mapping."""
        return json.loads(self.extra_json)

    def line_of(self, key: str) -> int:
        """Return the line where a front-matter key was written (1 if unknown)."""
        return dict(self.key_lines).get(key, 1)


@dataclass(frozen=True)
class Parsed:
    """The outcome of parsing one file: a record, or the problems that prevented it."""

    article: Article | None
    problems: tuple[Problem, ...]


Checker = Callable[[Any], Any]
ATTACHMENT_KEYS = ("file", "title")


class FieldError(TypeError):
    """A front-matter value of the wrong shape; `hint` may name the field as {key}."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def text_value(value: Any) -> str:
    """Accept text (and numbers, which YAML reads from titles like 1945)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError("phải là một dòng chữ")
    return str(value).strip()


def as_list(value: Any, example: str) -> list[Any]:
    """Require a list, showing a single value rewritten as one."""
    if isinstance(value, list):
        return value
    shown = text_value(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else example
    raise FieldError("phải là một danh sách", f"Viết trong ngoặc vuông: {{key}}: [{shown}]")


def text_list(value: Any) -> tuple[str, ...]:
    """Accept a list of texts."""
    items = as_list(value, "Mục 1, Mục 2")
    if not all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in items):
        raise FieldError("phải là một danh sách các dòng chữ", "Viết trong ngoặc vuông: {key}: [Mục 1, Mục 2]")
    return tuple(text_value(item) for item in items)


def flag(value: Any) -> bool:
    """Accept true or false."""
    if not isinstance(value, bool):
        raise FieldError("phải là true hoặc false")
    return value


def mapping(value: Any) -> str:
    """Accept a mapping and keep it as canonical JSON so the record stays immutable."""
    if not isinstance(value, dict):
        raise FieldError("phải là các dòng khoá: giá trị")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def attachment_list(value: Any) -> tuple[tuple[str, str], ...]:
    """Accept attachments as file names or {file, title} mappings."""
    items = []
    for item in as_list(value, "chi-thi-05.pdf"):
        if not isinstance(item, dict):
            items.append((text_value(item), ""))
            continue
        for key in item:
            if key not in ATTACHMENT_KEYS:
                raise FieldError(f"Tệp đính kèm có khoá không hợp lệ “{key}”.", did_you_mean(str(key), ATTACHMENT_KEYS))
        if "file" not in item:
            raise FieldError("Tệp đính kèm thiếu khoá “file”.", "Viết: - {file: ten-tep.pdf, title: Tên hiển thị}")
        items.append((text_value(item["file"]), text_value(item.get("title", ""))))
    return tuple(items)


ARTICLE_FIELDS: dict[str, Checker] = {
    "title": text_value, "date": lambda v: v, "section": text_value, "directives": text_list,
    "author": text_value, "source": text_value, "summary": text_value, "image": text_value,
    "image_alt": text_value, "image_caption": text_value, "featured": flag, "status": text_value,
    "slug": text_value, "related": text_list, "external_url": text_value, "attachments": attachment_list,
    "aliases": text_list, "expires": lambda v: v, "extra": mapping,
}
PAGE_FIELDS = {key: ARTICLE_FIELDS[key] for key in ("title", "date", "slug", "summary", "status", "aliases", "extra")}
REQUIRED = {"article": ("title", "date"), "page": ("title",)}
STATUSES = ("published", "draft")
MAX_SLUG = 200  # bytes; a file name may not exceed 255


class FieldReader:
    """Check front-matter fields one by one, collecting every problem."""

    def __init__(self, path: str, matter: frontmatter.FrontMatter, kind: str, tz: ZoneInfo) -> None:
        self.path, self.matter, self.kind, self.tz = path, matter, kind, tz
        self.schema = ARTICLE_FIELDS if kind == "article" else PAGE_FIELDS
        self.problems: list[Problem] = []
        self.values: dict[str, Any] = {}

    def line(self, key: str) -> int:
        """Return the line of a key, or of the front matter's start."""
        return self.matter.key_lines.get(key, 1)

    def add(self, key: str, message: str, hint: str) -> None:
        """Record a problem with one field."""
        self.problems.append(Problem(self.path, self.line(key), message, hint))

    def read(self) -> dict[str, Any]:
        """Validate every field and return the typed values."""
        for key, raw in self.matter.fields.items():
            if key not in self.schema:
                self.add(key, f"Trường không hợp lệ “{key}”.", did_you_mean(str(key), self.schema) or "Xoá dòng này.")
            elif raw is None or raw == "" or (key in REQUIRED[self.kind] and raw == []):
                self.blank(key)
            else:
                self.check(key, raw)
        for key in REQUIRED[self.kind]:
            if key not in self.matter.fields:
                self.problems.append(Problem(self.path, 1, f"Thiếu trường bắt buộc “{key}”.", f"Thêm dòng “{key}: ...” vào phần thông tin."))
        self.read_dates()
        self.check_status()
        self.warn_cut_values()
        return self.values

    def warn_cut_values(self) -> None:
        """Warn where YAML took the end of a value for a comment ("image: anh #1.png" reads as "anh")."""
        for key, line, kept, dropped in self.matter.cut:
            self.problems.append(Problem(self.path, line, f"Trường “{key}”: YAML coi phần từ dấu “#” trở đi là chú thích và bỏ đi, "
                                         f"nên giá trị chỉ còn “{kept}”.",
                                         f'Nếu “#{dropped}” là một phần của giá trị, đặt cả giá trị trong ngoặc kép: {key}: "{kept} #{dropped}"',
                                         severity="warning"))

    def blank(self, key: str) -> None:
        """Treat an empty optional field as absent; an empty required one is an error."""
        if key in REQUIRED[self.kind]:
            self.add(key, f"Trường bắt buộc “{key}” đang để trống.",
                     "Ghi giá trị sau dấu hai chấm; nếu giá trị bắt đầu bằng # hoặc &, đặt nó trong ngoặc kép.")

    def check(self, key: str, raw: Any) -> None:
        """Check one field's value against its type."""
        try:
            value = self.schema[key](raw)
        except FieldError as error:
            message = error.message if error.message.endswith(".") else f"Trường “{key}” {error.message}."
            self.add(key, message, error.hint.replace("{key}", key) or f"Sửa giá trị của {key} ở dòng này.")
            return
        if value == "" and key in REQUIRED[self.kind]:
            self.blank(key)
        else:
            self.values[key] = value

    def read_dates(self) -> None:
        """Parse `date` and `expires` in the site's time zone."""
        for key in ("date", "expires"):
            if key in self.values:
                try:
                    self.values[key] = parse_date(self.values[key], self.tz)
                except DateError as error:
                    del self.values[key]
                    self.add(key, f"Trường “{key}”: {error}.", DATE_HINT)

    def check_status(self) -> None:
        """Allow only the known publishing states."""
        status = self.values.get("status", "published")
        if status not in STATUSES:
            self.add("status", f"Trạng thái không hợp lệ “{status}”.", "Dùng status: published hoặc status: draft.")
        if self.values.get("image") and not self.values.get("image_alt"):
            self.add("image", "Ảnh đại diện thiếu lời mô tả (image_alt).", "Thêm dòng image_alt: mô tả ngắn nội dung ảnh.")


def parse_article(text: str, path: str, tz: ZoneInfo, converter: Converter, kind: str = "article",
                  fingerprint: str = "") -> Parsed:
    """Parse the text of one article (or page) file into an Article."""
    try:
        matter = frontmatter.split(text, path)
    except frontmatter.FrontMatterError as error:
        return Parsed(None, (error.problem,))
    reader = FieldReader(path, matter, kind, tz)
    values = reader.read()
    problems = reader.problems
    slug = make_slug(values, reader, converter.slugify)
    files = resolve_files(path, values, reader)
    rendered = converter.convert(matter.body, path, matter.body_line)
    problems += rendered.problems
    if any(p.severity == "error" for p in problems):
        return Parsed(None, tuple(problems))
    summary = values.get("summary") or rendered.lead_text
    return Parsed(Article(
        path=path, kind=kind, title=values["title"], date=values.get("date"), section=values.get("section"),
        directives=values.get("directives", ()), author=values.get("author", ""), source=values.get("source", ""),
        summary=summary, summary_written="summary" in values, image=files["image"],
        image_alt=values.get("image_alt", ""), image_caption=values.get("image_caption", ""),
        featured=values.get("featured", False), status=values.get("status", "published"), slug=slug,
        related=values.get("related", ()), external_url=values.get("external_url", ""),
        attachments=files["attachments"], aliases=files["aliases"], expires=values.get("expires"),
        extra_json=values.get("extra", "{}"), body_html=rendered.html, interview=rendered.interview,
        refs=tuple(rendered.refs), key_lines=tuple(sorted(matter.key_lines.items())), fingerprint=fingerprint,
    ), tuple(problems))


def resolve_files(path: str, values: dict[str, Any], reader: FieldReader) -> dict[str, Any]:
    """Resolve image, attachment and alias paths, refusing any that leave their folder."""
    image = values.get("image")
    attachments = tuple(Attachment(p, title) for name, title in values.get("attachments", ())
                        if (p := local_path(path, name, "attachments", reader)))
    aliases = tuple(clean for a in values.get("aliases", ()) if (clean := check_alias(a, reader)))
    external = values.get("external_url", "")
    if external and urlsplit(external).scheme not in ("http", "https"):
        reader.add("external_url", f"external_url “{external}” không phải địa chỉ web.", "Viết đầy đủ, ví dụ: https://dangcongsan.vn/...")
    return {"image": local_path(path, image, "image", reader) if image else None,
            "attachments": attachments, "aliases": aliases}


def local_path(path: str, name: str, key: str, reader: FieldReader) -> str | None:
    """Resolve a file named relative to the article, inside content/."""
    if urlsplit(name).scheme or name.startswith("/"):
        reader.add(key, f"“{name}” phải là tệp nằm trong content/, không phải địa chỉ tuyệt đối.",
                   "Chép tệp vào cạnh bài viết và chỉ ghi tên tệp, ví dụ: anh-hoi-nghi.jpg")
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), name))
    if target == ".." or target.startswith("../"):
        reader.add(key, f"“{name}” trỏ ra ngoài thư mục content/.", "Chép tệp vào cạnh bài viết và chỉ ghi tên tệp.")
        return None
    return target


def make_slug(values: dict[str, Any], reader: FieldReader, slugify: Slugify) -> str:
    """Take the written slug, or make one from the title; report either when unusable."""
    if "slug" in values:
        slug = values["slug"]
        if slug != slugify(slug) or len(slug) > MAX_SLUG:
            example = slugify(slug, max_length=MAX_SLUG, word_boundary=True) or "ten-bai-viet"
            reader.add("slug", f"slug “{slug}” không hợp lệ.", f"Chỉ dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ: slug: {example}")
        return slug
    if "title" not in values:
        return ""  # the missing title is reported already
    slug = slugify(values["title"], max_length=MAX_SLUG, word_boundary=True)
    if not slug:
        reader.add("title", f"Không tạo được đường dẫn (slug) từ tiêu đề “{values['title']}”.",
                   "Thêm dòng slug: ten-bai-viet (chữ thường không dấu, số, gạch ngang).")
    return slug


def check_alias(alias: str, reader: FieldReader) -> str | None:
    """Return an old URL path that stays inside the site, with "." and "//" steps removed."""
    parts = urlsplit(alias)
    segments = parts.path.split("/")
    clean = posixpath.normpath("/" + parts.path.lstrip("/"))
    if parts.scheme or parts.netloc or ".." in segments or clean in ("/", "/.") or any(len(s.encode()) > MAX_SLUG for s in segments):
        reader.add("aliases", f"Địa chỉ cũ “{alias}” không hợp lệ.", "Ghi phần đường dẫn của địa chỉ cũ, ví dụ: /Pages/tin-tuc/bai-cu.aspx")
        return None
    return clean + "/" if parts.path.endswith("/") else clean


def parse_file(data: bytes, path: str, tz: ZoneInfo, converter: Converter, kind: str) -> Parsed:
    """Decode a source file's bytes and parse it."""
    text, problems = decode(data, path)
    if problems:
        return Parsed(None, tuple(problems))
    fingerprint = hashlib.blake2b(f"{kind}|{path}\0".encode() + data, digest_size=16).hexdigest()
    return parse_article(text, path, tz, converter, kind, fingerprint)


# ----------------------------------------------------------------------------- the stage: every file

@dataclass(frozen=True)
class ParseSettings:
    """What shapes every parse of a build: the site's zone and HTML policy, and how slugs and bodies are made.

    `slugify`, `shortcut` and `narrowing` are the library's ways unless the build hands quicker equivalents (bantin.speed).
    """

    timezone: str
    trust_html: bool
    slugify: Slugify = library_slugify
    shortcut: ShortcutMaker | None = None
    narrowing: Narrowing | None = None


@dataclass(frozen=True)
class ParseJob:
    """One file to parse: its record from discovery, and whether it is an article or a page."""

    kind: str
    source: SourceFile


@dataclass(frozen=True)
class ParseResult:
    """Every article and page that parsed, in discovery order, and the problems of those that did not."""

    articles: tuple[Article, ...]
    pages: tuple[Article, ...]
    problems: tuple[Problem, ...]


ParseMany = Callable[[Sequence[ParseJob], ParseSettings], Iterable[Parsed]]


def make_converter(settings: ParseSettings) -> Converter:
    """Make the Markdown engines for these settings, as every parse of a build uses them."""
    return Converter(settings.trust_html, settings.slugify, settings.shortcut, settings.narrowing)


@lru_cache(maxsize=4)
def converter_for(settings: ParseSettings) -> Converter:
    """Return this process's Markdown engines for these settings (made once: building one takes milliseconds)."""
    return make_converter(settings)


def parse_job(job: ParseJob, settings: ParseSettings, data: bytes | None = None) -> Parsed:
    """Read (unless `data` is given) and parse one file; problems name it under content/."""
    path = job.source.path
    data = read_source(job.source.location) if data is None else data
    if data is None:
        return Parsed(None, (Problem(f"content/{path}", 1, "Không đọc được tệp (có thể tệp vừa bị xoá, đổi tên, hoặc không có quyền đọc).",
                                     "Kiểm tra tệp còn đó và đọc được (quyền đọc), rồi dựng lại."),))
    parsed = parse_file(data, path, ZoneInfo(settings.timezone), converter_for(settings), job.kind)
    if parsed.problems:
        parsed = replace(parsed, problems=tuple(replace(p, path=f"content/{p.path}") for p in parsed.problems))
    return parsed


def parse_serially(jobs: Sequence[ParseJob], settings: ParseSettings) -> Iterator[Parsed]:
    """Parse every job in this process, in order."""
    return (parse_job(job, settings) for job in jobs)


def parse_all(sources: Sources, settings: ParseSettings, parse_many: ParseMany = parse_serially) -> ParseResult:
    """Parse every article and page; `parse_many` may run the jobs elsewhere (workers) or reuse earlier results (a cache)."""
    jobs = [ParseJob("article", s) for s in sources.articles] + [ParseJob("page", s) for s in sources.pages]
    articles, pages, problems = [], [], []
    for job, parsed in zip(jobs, parse_many(jobs, settings)):
        problems += parsed.problems
        if parsed.article is not None:
            (articles if job.kind == "article" else pages).append(parsed.article)
    return ParseResult(tuple(articles), tuple(pages), tuple(problems))
