"""Stage 2: find every source file under content/, sorted, with stray files left out."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

REGISTER = "directives.toml"
PAGES_DIR = "pages"
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")
MAX_TEXT_BYTES = 2_000_000
MAX_ASSET_BYTES = 50_000_000
MARKDOWN_SUFFIXES = (".md", ".markdown")
LIMITS = {
    False: (MAX_TEXT_BYTES, "bài viết", "Có lẽ tệp bị chép nhầm vào content/: hãy xoá nó, hoặc chia bài thành nhiều bài nhỏ hơn."),
    True: (MAX_ASSET_BYTES, "ảnh và tệp đính kèm", "Hãy nén nhỏ tệp (ảnh: giảm kích thước; video: đăng lên nơi khác rồi dẫn liên kết)."),
}


@dataclass(frozen=True)
class SourceFile:
    """A file found under content/: its path relative to content/ and where it is on disk."""

    path: str
    file: Path
    size: int
    mtime_ns: int


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


def discover(content_dir: Path, project_root: Path) -> Sources:
    """List the content folder, refusing links that leave the project, unreadable names and oversized files."""
    found: dict[str, list[SourceFile]] = {"articles": [], "pages": [], "assets": [], "register": []}
    problems: list[Problem] = []
    root = project_root.resolve()
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d) and acceptable(Path(folder, d), root, content_dir, problems))
        for name in sorted(files):
            file = Path(folder, name)
            if is_ignored(name) or not acceptable(file, root, content_dir, problems):
                continue
            source = describe(file, content_dir)
            role = classify(source.path)
            if problem := check_size(source, role):
                problems.append(problem)
            else:
                found[role].append(source)
    register = found["register"][0] if found["register"] else None
    return Sources(tuple(found["articles"]), tuple(found["pages"]), tuple(found["assets"]), register, tuple(problems))


def acceptable(path: Path, root: Path, content_dir: Path, problems: list[Problem]) -> bool:
    """Accept a path unless its name is not UTF-8 or it is a link that leaves the project."""
    rel = path.relative_to(content_dir).as_posix()
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        problems.append(Problem(f"content/{shown}", 1, "Tên tệp không phải chữ UTF-8 (có lẽ tệp được giải nén từ tệp ZIP tạo trên Windows).",
                                "Đổi tên tệp, gõ lại tên bằng bộ gõ Unicode."))
        return False
    if not path.is_symlink():
        return True
    target = Path(os.path.realpath(path))  # unlike Path.resolve, never raises on a loop of links
    if target.exists() and target.is_relative_to(root):
        return True
    where = "tới tệp không tồn tại" if not target.exists() else "ra ngoài dự án"
    problems.append(Problem(f"content/{unicodedata.normalize('NFC', rel)}", 1, f"Liên kết tượng trưng (symlink) trỏ {where}.",
                            "Chép tệp thật vào content/ thay cho liên kết."))
    return False


def describe(file: Path, content_dir: Path) -> SourceFile:
    """Record a file's content-relative path (in NFC, as editors type it), size and modification time."""
    stat = file.stat()
    path = unicodedata.normalize("NFC", file.relative_to(content_dir).as_posix())
    return SourceFile(path, file, stat.st_size, stat.st_mtime_ns)


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
