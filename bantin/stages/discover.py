"""Stage 2: find every source file under content/, sorted, with stray files left out."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Iterator

from ..problems import Problem

REGISTER = "directives.toml"
PAGES_DIR = "pages"
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")
MAX_TEXT_BYTES = 2_000_000
MAX_ASSET_BYTES = 50_000_000
MARKDOWN_SUFFIXES = (".md", ".markdown")
PRIVATE_TOP = frozenset({"site.toml", "build.py", "bantin", "tests", "scripts", "requirements.txt"})  # never reached by a link
LIMITS = {
    False: (MAX_TEXT_BYTES, "bài viết", "Có lẽ tệp bị chép nhầm vào content/: hãy xoá nó, hoặc chia bài thành nhiều bài nhỏ hơn."),
    True: (MAX_ASSET_BYTES, "ảnh và tệp đính kèm", "Hãy nén nhỏ tệp (ảnh: giảm kích thước; video: đăng lên nơi khác rồi dẫn liên kết)."),
}


@dataclass(frozen=True)
class SourceFile:
    """A file found under content/: its path relative to content/ and where it is on disk."""

    path: str
    location: str  # where it is on disk, as a string: making a Path of each of 10,000 files is a cost of its own
    size: int
    mtime_ns: int

    @property
    def file(self) -> Path:
        """Return where the file is on disk."""
        return Path(self.location)


@dataclass(frozen=True)
class Sources:
    """Everything discovery found, by role."""

    articles: tuple[SourceFile, ...]
    pages: tuple[SourceFile, ...]
    assets: tuple[SourceFile, ...]
    register: SourceFile | None
    problems: tuple[Problem, ...]


def is_ignored(name: str) -> bool:
    """Tell whether a file is editor or system clutter."""
    return name in IGNORED_NAMES or name.startswith((".", "#", "~$")) or name.endswith(IGNORED_SUFFIXES)


def discover(content_dir: Path, project_root: Path, stats: dict[str, os.stat_result] | None = None) -> Sources:
    """List the content folder, refusing links that leave the project, unreadable names and oversized files.

    `stats`: the files' stats as the build's input scan took them (see stamp.scan), so as not to take them twice.
    """
    found: dict[str, list[SourceFile]] = {"articles": [], "pages": [], "assets": [], "register": []}
    problems: list[Problem] = []
    for entry, relative in walk(content_dir, project_root.resolve(), problems):
        stat = (stats.get(entry.path) if stats else None) or entry.stat()
        source = SourceFile(unicodedata.normalize("NFC", relative), entry.path, stat.st_size, stat.st_mtime_ns)
        role = classify(source.path)
        if problem := check_size(source, role) or check_readable(source):
            problems.append(problem)
        else:
            found[role].append(source)
    register = found["register"][0] if found["register"] else None
    return Sources(tuple(found["articles"]), tuple(found["pages"]), tuple(found["assets"]), register, tuple(problems))


def walk(content_dir: Path, root: Path, problems: list[Problem]) -> Iterator[tuple[os.DirEntry[str], str]]:
    """Yield each acceptable file with its content-relative path: a folder's files by name, then its folders by name.

    A linked folder is followed when it stays inside the project, once: a folder reached a
    second time (a loop of links, or two links to one folder) is refused, so the walk always ends.
    """
    if not content_dir.is_dir():
        problems.append(Problem("content/", 0, "Không có thư mục content/ (nơi chứa các bài viết) trong dự án.",
                                f"Tạo thư mục {content_dir} và đặt bài viết vào đó, hoặc chạy lệnh ở đúng thư mục dự án (--root)."))
        return
    pending = [("", str(content_dir))]
    seen = {os.path.realpath(content_dir)}
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=attrgetter("name"))
        except OSError as error:
            problems.append(Problem(f"content/{prefix}", 0, f"Không đọc được thư mục này ({error.strerror}): các bài trong đó sẽ bị thiếu.",
                                    f"Cho phép đọc thư mục (ví dụ: chmod a+rx '{folder}'), rồi dựng lại."))
            continue
        folders = []
        for entry in entries:
            if is_ignored(entry.name) or not acceptable(entry, prefix + entry.name, root, problems):
                continue
            if not is_folder(entry):
                yield entry, prefix + entry.name
            elif first_visit(entry, prefix + entry.name, seen, problems):
                folders.append((prefix + entry.name + "/", entry.path))
        pending += reversed(folders)


def first_visit(entry: os.DirEntry[str], rel: str, seen: set[str], problems: list[Problem]) -> bool:
    """Note a folder as read; refuse one reached before (a loop of links, or a second link to it)."""
    real = os.path.realpath(entry.path)
    if real not in seen:
        seen.add(real)
        return True
    problems.append(Problem(f"content/{unicodedata.normalize('NFC', rel)}", 0,
                            "Liên kết tượng trưng (symlink) này dẫn tới một thư mục đã được đọc (vòng lặp, hoặc hai đường tới cùng một thư mục).",
                            "Xoá liên kết này: mỗi thư mục bài viết chỉ được có một đường tới nó."))
    return False


def is_folder(entry: os.DirEntry[str]) -> bool:
    """Tell whether an entry is a folder or a link to one; a broken loop of links is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def acceptable(entry: os.DirEntry[str], rel: str, root: Path, problems: list[Problem]) -> bool:
    """Accept a path unless its name is not UTF-8 or it is a link that leaves the project or reaches a private file."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        problems.append(Problem(f"content/{shown}", 1, "Tên tệp không phải chữ UTF-8 (có lẽ tệp được giải nén từ tệp ZIP tạo trên Windows).",
                                "Đổi tên tệp, gõ lại tên bằng bộ gõ Unicode."))
        return False
    if not entry.is_symlink():
        return True
    target = Path(os.path.realpath(entry.path))  # unlike Path.resolve, never raises on a loop of links
    if target.exists() and target.is_relative_to(root) and not private(target.relative_to(root)):
        return True
    where = "tới tệp không tồn tại" if not target.exists() else "ra ngoài dự án" if not target.is_relative_to(root) else ""
    message = f"Liên kết tượng trưng (symlink) trỏ {where}." if where else \
        "Liên kết tượng trưng (symlink) trỏ tới tệp riêng của dự án (cấu hình, mẫu giao diện, .git, .bantin), thứ không bao giờ được đăng."
    problems.append(Problem(f"content/{unicodedata.normalize('NFC', rel)}", 1, message,
                            "Chép tệp thật vào content/ thay cho liên kết." if where else "Xoá liên kết này."))
    return False


def private(inside: Path) -> bool:
    """Tell whether a place in the project is never published: hidden folders (.git, .bantin), site.toml, templates, the engine."""
    parts = inside.parts
    return bool(parts) and (parts[0].startswith(".") or parts[0] in PRIVATE_TOP or "templates" in parts)


def classify(path: str) -> str:
    """Decide a file's role from its place and name."""
    if path == REGISTER:
        return "register"
    if not path.lower().endswith(MARKDOWN_SUFFIXES):
        return "assets"
    return "pages" if path.startswith(PAGES_DIR + "/") else "articles"


def check_size(source: SourceFile, role: str) -> Problem | None:
    """Refuse text files and assets too large to be what they claim."""
    limit, what, hint = LIMITS[role == "assets"]
    if source.size <= limit:
        return None
    size = f"{source.size / 1_000_000:.1f}".replace(".", ",")
    return Problem(f"content/{source.path}", 1, f"Tệp quá lớn ({size} MB; {what} tối đa {limit // 1_000_000} MB).", hint)


def check_readable(source: SourceFile) -> Problem | None:
    """Refuse a file the build may not read, here where build and check both see it, rather than when it is opened."""
    if os.access(source.location, os.R_OK):
        return None
    return Problem(f"content/{source.path}", 0, "Không có quyền đọc tệp này: nó sẽ bị thiếu trên trang.",
                   f"Cho phép đọc tệp (ví dụ: chmod a+r '{source.location}'), rồi dựng lại.")


def read_source(location: str) -> bytes | None:
    """Read a source file's bytes; None if it cannot be read (os-level reads: a third of what open() costs)."""
    try:
        handle = os.open(location, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        # Read the size fstat gives, then check nothing follows: a fixed 64 KB read per file costs a fresh
        # 64 KB allocation each, and in a long serial build touching those pages cost more than the read (1.2 s at 10,000 files).
        chunks = [os.read(handle, os.fstat(handle).st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(handle, 1 << 16))
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svgz", ".js", ".mjs", ".xml", ".xsl", ".swf")
# What lets an SVG run code or reach outside the site when opened on its own: refused, never copied.
ACTIVE_SVG = re.compile(rb"<\s*(?:script|foreignobject|iframe|embed|object|handler|!entity)|\bon[a-z]+\s*=|javascript\s*:|&#|"
                        rb"""(?:href|src)\s*=(?!\s*["']?\s*(?:#|data:image/(?:png|jpeg|gif|webp);))""", re.I)


def active_files(sources: Sources) -> list[Problem]:
    """Refuse files in content/ that a browser would run (HTML, scripts, an SVG with scripts): with trust_html off, only Markdown carries markup."""
    problems = [Problem(f"content/{asset.path}", 0, "Tệp này có thể chứa mã chạy trong trình duyệt (HTML, JavaScript), nên không được đăng nguyên trạng.",
                        "Chuyển nội dung sang bài Markdown, hoặc, nếu mọi người viết bài đều tin cậy được, đặt trust_html = true trong [site] của site.toml.")
                for asset in sources.assets if asset.path.lower().endswith(ACTIVE_SUFFIXES)]
    for asset in sources.assets:
        if asset.path.lower().endswith(".svg") and ACTIVE_SVG.search(read_source(asset.location) or b""):
            problems.append(Problem(f"content/{asset.path}", 0, "Ảnh SVG này chứa mã chạy (script, on…=), liên kết ra ngoài hoặc thực thể XML, nên không được đăng.",
                                    "Xuất lại ảnh từ phần mềm vẽ ở dạng SVG thuần (hoặc PNG), hoặc đặt trust_html = true nếu tin cậy được tệp."))
    return problems
