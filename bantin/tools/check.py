"""`check`: validate all content with the build's own code, render in memory, and report every problem.

The site is checked as `build` would publish it (same options, same code, same messages),
and then once more with drafts and scheduled articles included, because they will be
published by a later build. On top of what the build refuses, `check` warns when a body
mentions a directive its front matter does not list, and reports links in the rendered
HTML that no file answers.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from dataclasses import dataclass, replace
from html import unescape
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from .common import report_problems, request_from
from ..stages.config import Config, KeyLines, load_config
from ..stages.directives import Register, fold
from ..stages.discover import discover, read_source
from ..stages.frontmatter import FrontMatterError, split
from ..stages.model import Page, Site
from ..pipeline import BuildRequest, load_site, read_register
from ..problems import BuildError, Problem
from ..speed import Speed
from ..stages.images import ImageFault, ImageVariant, verify_image
from ..stages.outputs import declare_outputs
from ..stages.search import pagefind_problem
from ..stages.render import render_in_memory, theme_file
from ..stages.theme import template_files, whole_site_readers
from ..stages.source import decode

NAME = "check"
ATTRIBUTE = re.compile(r"""\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
COMMENT = re.compile(r"<!--.*?-->", re.S)
SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:")


def register(subparsers: Any, add_build_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the `check` command, with the build's options."""
    parser = subparsers.add_parser(NAME, help="kiểm tra toàn bộ nội dung mà không ghi trang nào ra đĩa; dùng trước khi đăng và trong CI")
    add_build_options(parser)


def main(arguments: argparse.Namespace) -> int:
    """Check everything; exit 0 with a one-line summary when clean, 1 on any error."""
    request = request_from(arguments)
    try:
        config = load_config(request.root, request.base_url, request.output)
    except BuildError as error:
        return finish(list(error.problems), None)
    site, problems = validate(config, request)
    problems += directive_mentions(config) + slow_templates(config)
    if (missing := pagefind_problem(config)) is not None:
        problems.append(missing)
    if site is not None:
        outputs = declare_outputs(site)
        images = [o for o in outputs if isinstance(o, ImageVariant)]
        problems += damaged_images(images)
        try:
            made = render_in_memory(site, [o for o in outputs if not isinstance(o, ImageVariant)])
        except BuildError as error:
            problems += error.problems
        else:
            files = {name: data for name, data in made.items() if isinstance(data, bytes)}
            copies = {name: file for name, file in made.items() if isinstance(file, Path)} | {v.output: Path(v.source) for v in images}
            problems += broken_links(site, files, copies)
    return finish(problems, site)


def validate(config: Config, request: BuildRequest) -> tuple[Site | None, list[Problem]]:
    """Assemble the site as `build` would, then with drafts and scheduled articles too."""
    published: Site | None = None
    problems: list[Problem] = []
    with Speed.for_build(config, 1, request.use_cache, request.shape) as speed:
        for index, attempt in enumerate(passes(request)):
            try:
                site, warnings = load_site(config, attempt, speed)
            except BuildError as error:
                problems += error.problems
                continue
            if index == 0:  # with everything included, "links to an unpublished article" cannot arise
                published, problems = site, problems + list(warnings)
    return published, problems


def passes(request: BuildRequest) -> list[BuildRequest]:
    """The build as requested, then one that also includes what will be published later."""
    everything = replace(request, drafts=True, future=True)
    return [request] if everything == request else [request, everything]


def finish(problems: list[Problem], site: Site | None) -> int:
    """Print every problem once, then a one-line verdict; return the exit status."""
    first = {(p.path, p.line, p.message, p.severity): p for p in reversed(problems)}  # the two passes may differ in a hint only
    unique = sorted(first.values())
    report_problems(unique)
    errors = sum(p.severity == "error" for p in unique)
    warnings = len(unique) - errors
    if errors:
        print(f"Kiểm tra thấy {errors} lỗi và {warnings} cảnh báo. Sửa các lỗi trên trước khi đăng.", file=sys.stderr)
        return 1
    articles = len(site.entries) if site else 0
    print(f"Kiểm tra xong: không có lỗi ({articles} bài viết, {len(site.pages) if site else 0} trang; {warnings} cảnh báo).")
    return 0


# ----------------------------------------------------------------------------- templates that slow builds

def slow_templates(config: Config) -> list[Problem]:
    """Warn where a page template reads the whole site: every edit then renders every page again."""
    shown = {name: path for name, path in template_files(config)}
    return [Problem(theme_file(str(shown[name.removeprefix("templates/")]), name, config.root), line,
                    f"Mẫu này đọc {what}, tức là toàn bộ trang web: mỗi trang khi đó phụ thuộc vào mọi bài, nên sau mỗi lần "
                    "sửa một bài, bản dựng và bản xem trước phải dựng lại tất cả các trang (chậm hơn nhiều với hàng nghìn bài).",
                    "Dùng dữ liệu của chính trang (data, page), hoặc đặt danh sách cần mọi bài vào một tệp trong templates/files/.",
                    "warning")
            for name, line, what in whole_site_readers(config, pages_only=True)]


# ----------------------------------------------------------------------------- directive mentions

def directive_mentions(config: Config) -> list[Problem]:
    """Warn when an article body names a directive that its front matter does not list."""
    sources = discover(config.content_dir, config.root)
    register_, _ = read_register(sources)
    pattern = mention_pattern(register_)
    if pattern is None:
        return []
    problems = []
    for source in sources.articles:
        if (data := read_source(source.location)) is None:
            continue  # validate() has reported the file that cannot be read
        text, trouble = decode(data, source.path)
        try:
            matter = split(text, source.path) if not trouble else None
        except FrontMatterError:
            matter = None  # the build reports it
        if matter is not None:
            problems += unlisted(f"content/{source.path}", matter, register_, pattern)
    return problems


def mention_pattern(register_: Register) -> re.Pattern[str] | None:
    """Match any name or alias of any directive, longest first, as whole words."""
    names = sorted({name for name, _ in register_.names if not name.endswith(")")}, key=len, reverse=True)
    if not names:
        return None
    words = (r"\s+".join(re.escape(word) for word in name.split()) for name in names)
    return re.compile(r"(?<![\w/-])(?:" + "|".join(words) + r")(?![\w/-])", re.I)


def unlisted(path: str, matter: Any, register_: Register, pattern: re.Pattern[str]) -> list[Problem]:
    """List the directives mentioned in one body but missing from its `directives` field."""
    listed = matter.fields.get("directives")
    names = listed if isinstance(listed, list) else []
    declared = {register_.find(str(name)) for name in names}
    body = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), matter.body)  # keep line numbers
    problems, seen = [], set()
    for match in pattern.finditer(body):
        directive = register_.find(fold(match.group()))
        if directive is None or directive in declared or directive in seen:
            continue
        seen.add(directive)
        line = matter.body_line + body.count("\n", 0, match.start())
        field = "thêm vào danh sách directives" if names else "thêm dòng"
        problems.append(Problem(path, line, f"Bài nhắc tới “{match.group()}” nhưng phần thông tin không ghi văn bản này.",
                                f"Nếu bài thực hiện văn bản này, {field}: directives: [{directive.name}]", "warning"))
    return problems


# ----------------------------------------------------------------------------- links in the rendered HTML

@dataclass(frozen=True)
class Link:
    """One internal address found in a rendered page."""

    url: str
    page: Page
    line: int


def damaged_images(variants: list[ImageVariant]) -> list[Problem]:
    """Decode every photo the site shows once, quickly, as the build will in full: a damaged one is an error here too."""
    problems = []
    for variant in {v.source: v for v in variants}.values():
        try:
            verify_image(Path(variant.source))
        except ImageFault as fault:
            where, line = variant.shown_in
            problems.append(Problem(where or variant.shown, line, fault.message, fault.hint))
    return problems


def broken_links(site: Site, files: dict[str, bytes], copies: dict[str, Path]) -> list[Problem]:
    """Report every href/src in the rendered pages that points inside the site at nothing."""
    produced = set(files) | set(copies)
    verdicts: dict[str, bool] = {}
    first: dict[str, Link] = {}
    where: dict[str, set[str]] = {}
    for page in site.pages:
        text = files[page.output].decode("utf-8")
        for match in ATTRIBUTE.finditer(text):
            url = match.group(1) if match.group(1) is not None else match.group(2)
            url = unescape(url) if "&" in url else url
            key = url if url.startswith(("/", "http:", "https:", "#")) else f"{page.url}\0{url}"
            if key not in verdicts:
                verdicts[key] = target_missing(url, page, site.config, produced)
            if verdicts[key]:
                first.setdefault(url, Link(url, page, text.count("\n", 0, match.start()) + 1))
                where.setdefault(url, set()).add(page.output)
    return [describe(link, len(where[link.url]), site.config) for link in first.values()]


def target_missing(url: str, page: Page, config: Config, produced: set[str]) -> bool:
    """Tell whether an internal URL names no file of the built site (external URLs never do)."""
    path = site_path(url, page, config)
    if path is None:
        return False
    if not path.startswith(config.base_path):
        return True
    name = unquote(path[len(config.base_path):])
    candidates = [name + "index.html"] if name.endswith("/") or not name else [name, name + "/index.html"]
    return not any(candidate in produced for candidate in candidates)


def site_path(url: str, page: Page, config: Config) -> str | None:
    """Return the absolute path on this host that a link points to, or None if it leaves the site."""
    if not url or url.startswith("#") or url.lower().startswith(SKIPPED_SCHEMES):
        return None
    parts, base = urlsplit(url), urlsplit(config.base_url)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", "") or parts.netloc.lower() != base.netloc.lower():
            return None
        return parts.path or "/"
    if parts.path.startswith("/"):
        return parts.path
    if not parts.path:
        return None  # "?query" alone
    here = config.base_path + page.url.lstrip("/")
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(here) if not here.endswith("/") else here, parts.path))
    return joined + ("/" if parts.path.endswith("/") and not joined.endswith("/") else "")


def describe(link: Link, pages: int, config: Config) -> Problem:
    """Locate a broken link where it was written: the article, site.toml, or the rendered page."""
    elsewhere = f" (có ở {pages} trang)" if pages > 1 else ""
    outside = not (site_path(link.url, link.page, config) or "").startswith(config.base_path)
    message = (f"Liên kết “{link.url}” nằm ngoài đường dẫn con {config.base_path} của bản tin{elsewhere}." if outside
               else f"Liên kết hỏng “{link.url}”: không có trang hay tệp nào ở địa chỉ này{elsewhere}.")
    where = written_in(link, config)
    if where is not None and where[0] == "site.toml":
        return Problem(*where, message, 'Sửa url của mục menu này; url là đường dẫn trong bản tin, ví dụ "/tin-tuc-su-kien/".')
    if where is not None:
        return Problem(*where, message, "Sửa địa chỉ cho đúng; với bài viết khác, hãy liên kết tới tệp .md của bài đó.")
    output = config.output.relative_to(config.root).as_posix() if config.output.is_relative_to(config.root) else "public"
    return Problem(f"{output}/{link.page.output}", link.line, message,
                   f"Liên kết này do mẫu giao diện “{link.page.template}” tạo ra (trang {link.page.url}); sửa mẫu trong theme/templates/.")


def written_in(link: Link, config: Config) -> tuple[str, int] | None:
    """Find the source line that wrote a link: the page's own file, then the menu in site.toml."""
    relative = link.url[len(config.base_path) - 1:] if link.url.startswith(config.base_path) else link.url
    candidates = [(link.page.source, (link.url,))] if link.page.source.startswith("content/") else []
    candidates.append(("site.toml", (f'"{link.url}"', f'"{relative}"')))
    for path, needles in candidates:
        try:
            lines = KeyLines((config.root / path).read_text(encoding="utf-8")).lines
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, start=1):
            if any(needle in line for needle in needles):
                return path, number
    return None
