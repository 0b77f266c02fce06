"""`import`: bring an old portal's archive (saved pages, text captures) into content/ as drafts.

The story of one import: find the pages under the paths given; read each (its encoding
detected); find the article in it (pages.py for HTML, captures.py for text); plan its file
(writer.py); write, unless this is a dry run; and report everything that was guessed or missing.
One bad page never stops the others.
"""

from __future__ import annotations

import argparse
import codecs
import re
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from ...problems import BuildError, Problem
from ...stages.config import Config, Section, load_config
from ...stages.directives import PATH as REGISTER_PATH, load_register
from ..common import report_problems
from .captures import extract_capture
from .text import Imported
from .writer import Planned, earlier_imports, plan_article, write

NAME = "import"
PAGE_SUFFIXES = (".html", ".htm", ".aspx", ".asp", ".php", ".shtml")
TEXT_SUFFIXES = (".txt",)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
INTERVIEW_SECTION = re.compile(r"phỏng vấn|phong-van|trao đổi|đối thoại", re.I)


def register(subparsers: Any, add_build_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the `import` command."""
    parser = subparsers.add_parser(NAME, help="nhập bài từ cổng thông tin cũ (trang đã lưu .html/.aspx, bản chép chữ .txt) thành bản nháp")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="tệp hoặc thư mục (bản lưu trang, wget --mirror, bản chép chữ)")
    parser.add_argument("--section", help="chuyên mục cho mọi bài (mặc định: đoán từ trang, không được thì chuyên mục đầu tiên)")
    parser.add_argument("--url-base", default="", help="địa chỉ cũ của các trang, ví dụ https://tinh.gov.vn/Pages/ (cho aliases)")
    parser.add_argument("--dry-run", action="store_true", help="không ghi gì, chỉ cho biết sẽ ghi những gì")
    parser.add_argument("--publish", action="store_true", help="đăng ngay (mặc định: status: draft để biên tập viên duyệt)")


def main(arguments: argparse.Namespace) -> int:
    """Import every page; exit 0 when each was imported or reported, 1 when nothing could be imported."""
    root = Path(arguments.root)
    try:
        config = load_config(root)
        register_ = load_register((config.root / REGISTER_PATH).read_bytes() if (config.root / REGISTER_PATH).is_file() else None)
        chosen = config.section(arguments.section) if arguments.section else None
        if arguments.section and chosen is None:
            raise BuildError([Problem("--section", 0, f"Chuyên mục không tồn tại “{arguments.section}”.",
                                      "Dùng slug hoặc tên một chuyên mục trong site.toml.")])
    except BuildError as error:
        report_problems(error.problems)
        return 1
    files, problems = find_pages([Path(p) for p in arguments.paths])
    earlier, taken, done = earlier_imports(config.content_dir), set(), []
    for number, file in enumerate(files, start=1):
        progress(number, len(files))
        try:
            imported = import_one(file, config, arguments.url_base, mirror_of(file, arguments.paths))
        except ImportFault as fault:
            problems.append(Problem(str(file), 0, fault.args[0], fault.args[1]))
            continue
        section = chosen or section_for(imported, config)
        planned = plan_article(imported, config, register_, section, arguments.publish, earlier, taken)
        if planned.action == "skipped":
            problems.append(Problem(str(file), 0, "Không nhận ra bài viết nào trong trang này (không có tiêu đề hoặc nội dung).",
                                    "Mở trang xem có đúng là một bài viết không; nếu đúng, hãy chép tay bài này."))
            continue
        if not arguments.dry_run and planned.action in ("new", "update"):
            write(planned, root)
        done.append(planned)
    print(report(done, problems, arguments.dry_run, chosen is not None))
    if problems:
        report_problems(problems)
    return 0 if done or not files else 1


class ImportFault(Exception):
    """A page that cannot be read: what is wrong (args[0]) and what to do (args[1])."""


def find_pages(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """List the saved pages and text captures under the paths given, in order; report what is neither."""
    found, problems = [], []
    for path in paths:
        if path.is_dir():
            found += sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in PAGE_SUFFIXES + TEXT_SUFFIXES
                            and not any(part.endswith("_files") for part in f.relative_to(path).parts[:-1]))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), 0, "Không có tệp hay thư mục này.", "Kiểm tra lại đường dẫn."))
    return found, problems


def mirror_of(file: Path, paths: list[str]) -> Path | None:
    """Return the folder given on the command line that holds `file` (the root of a mirror), if any."""
    for given in map(Path, paths):
        if given.is_dir() and file.resolve().is_relative_to(given.resolve()):
            return given.resolve()
    return None


def decode_page(data: bytes) -> tuple[str, str]:
    """Decode a saved page: UTF-8, UTF-16, the page's own charset, else Windows-1258; say when it was not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "bảng mã UTF-16, đã chuyển sang UTF-8"
    if b"\0" in data[:2000]:
        raise ImportFault("Tệp này không phải trang web hay văn bản (có vẻ là tệp nhị phân).", "Chỉ đưa vào các tệp .html, .htm, .aspx hoặc .txt.")
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    declared = META_CHARSET.search(data[:4000])
    for encoding in ([declared[1].decode("ascii", "replace")] if declared else []) + ["cp1258"]:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        if re.search(r"[ăâđêôơưĂÂĐÊÔƠƯ]", text):
            return text, f"bảng mã {encoding}, đã chuyển sang UTF-8"
    raise ImportFault("Không nhận ra bảng mã của tệp (không phải UTF-8 hay Windows-1258; có thể là TCVN3 hoặc VNI).",
                      "Mở tệp bằng Unikey (Công cụ → Chuyển mã) và chuyển sang Unicode UTF-8, rồi nhập lại.")


def import_one(file: Path, config: Config, url_base: str, mirror: Path | None) -> Imported:
    """Read one saved page or text capture and find its article."""
    try:
        data = file.read_bytes()
    except OSError as error:
        raise ImportFault(f"Không đọc được tệp ({error.strerror}).", "Kiểm tra quyền đọc tệp.") from None
    text, note = decode_page(data)
    sections = [s.name for s in config.sections]
    is_html = file.suffix.lower() in PAGE_SUFFIXES or re.match(r"\s*(<!doctype html|<html)", text[:500], re.I)
    if file.suffix.lower() not in PAGE_SUFFIXES + TEXT_SUFFIXES and not is_html:
        raise ImportFault("Tệp này không phải trang web (.html, .htm, .aspx) hay bản chép chữ (.txt).", "Bỏ tệp này ra khỏi danh sách nhập.")
    year = page_year(text) or datetime.fromtimestamp(file.stat().st_mtime).year
    if is_html:
        from .pages import extract_page  # lxml, trafilatura and markdownify take a seventh of a second to load: every build would pay it
        imported = extract_page(text, file, sections, url_base, mirror)
    else:
        imported = extract_capture(text, file, sections, year)
    if note:
        imported.notes.append(note)
    return imported


def page_year(text: str) -> int | None:
    """Return the latest year of a full date the page prints (for a date given without its year)."""
    years = [int(y) for y in re.findall(r"\b\d{1,2}[/.-]\d{1,2}[/.-]((?:19|20)\d\d)\b", text)]
    return max(years) if years else None


def section_for(imported: Imported, config: Config) -> Section:
    """Choose the section: the page's own (breadcrumb, category), an interview's, else the first one (and say so)."""
    if imported.section and (section := config.section(imported.section)):
        return section
    if imported.interview and (section := next((s for s in config.sections if INTERVIEW_SECTION.search(s.name + " " + s.slug)), None)):
        return section
    imported.notes.append(f"không rõ chuyên mục: xếp vào “{config.sections[0].name}”")
    return config.sections[0]


def progress(number: int, total: int) -> None:
    """Draw a progress bar on standard error: in place on a terminal, every tenth otherwise."""
    if total < 2:
        return
    bar = "#" * (24 * number // total)
    line = f"Đang nhập [{bar:<24}] {number}/{total}"
    if sys.stderr.isatty():
        print("\r" + line, end="\n" if number == total else "", file=sys.stderr, flush=True)
    elif number == total or number % max(1, total // 10) == 0:
        print(line, file=sys.stderr, flush=True)


def report(done: list[Planned], problems: list[Problem], dry_run: bool, section_given: bool) -> str:
    """Say what was written, then every doubt: missing fields, unknown directives, duplicate titles, missing files."""
    counts = Counter(p.action for p in done)
    verb = "Sẽ ghi" if dry_run else "Đã ghi"
    lines = [f"{verb} {counts['new']} bài mới, cập nhật {counts['update']} bài, {counts['unchanged']} bài không đổi; "
             f"{counts['edited']} bài đã được sửa tay nên giữ nguyên; {len(problems)} tệp không nhập được."]
    for planned in done:
        mark = {"new": "+", "update": "~", "unchanged": "=", "edited": "!"}[planned.action]
        lines.append(f"  {mark} {planned.path}  ← {planned.imported.source}")
        if dry_run and planned.action in ("new", "update"):
            lines += ["      " + line for line in planned.text.split("\n---\n")[0].splitlines()[1:]]
    doubts = [(p, note) for p in done for note in p.imported.notes + [f"thiếu {f}" for f in missing_fields(p.imported)]]
    if doubts:
        lines.append("Cần kiểm tra:")
        lines += [f"  {p.path}: {note}" for p, note in doubts]
    edited = [p for p in done if p.action == "edited"]
    if edited:
        lines.append("Không ghi đè (biên tập viên đã sửa sau lần nhập trước; nhập lại sẽ làm mất phần sửa):")
        lines += [f"  {p.path}" for p in edited]
    unknown = Counter(name for p in done for name in p.unknown)
    if unknown:
        lines.append("Văn bản được nhắc tới nhưng chưa có trong content/directives.toml (không ghi vào directives):")
        lines += [f"  {name} ({count} bài)" for name, count in unknown.most_common()]
    titles = Counter(p.imported.title.casefold() for p in done)
    duplicates = [p for p in done if titles[p.imported.title.casefold()] > 1]
    if duplicates:
        lines.append("Trùng tiêu đề:")
        lines += [f"  {p.path}: {p.imported.title}" for p in duplicates]
    missing = [(p, name) for p in done for name in p.imported.missing]
    if missing:
        lines.append("Ảnh hoặc tệp đính kèm được nhắc tới nhưng không có trong bản lưu:")
        lines += [f"  {p.path}: {name}" for p, name in missing]
    footer = next((p.imported.footer for p in done if p.imported.footer), None)
    if footer:
        lines.append("Gợi ý cho site.toml (thông tin chân trang của cổng cũ; không ghi vào bài nào):\n  [footer]")
        lines += [f'  {key} = "{value}"' for key, value in footer.items()]
    if not dry_run and any(p.action in ("new", "update") for p in done):
        lines.append("Các bài được ghi ở dạng bản nháp (status: draft). Xem trước: python3 build.py serve; kiểm tra: python3 build.py check.")
    return "\n".join(lines)


def missing_fields(imported: Imported) -> list[str]:
    """Name the fields an article usually has that this page did not give."""
    wanted = {"tác giả (author)": imported.author, "sapo (summary)": imported.summary, "ngày đăng (date)": imported.date}
    return [name for name, value in wanted.items() if not value]
