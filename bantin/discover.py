"""Stage 2: find every source file under content/, sorted, with stray files left out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

REGISTER = "directives.toml"
PAGES_DIR = "pages"
IGNORED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")
MAX_TEXT_BYTES = 2_000_000
MAX_ASSET_BYTES = 50_000_000


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
    """List the content folder, refusing links that leave the project and oversized files."""
    found: dict[str, list[SourceFile]] = {"articles": [], "pages": [], "assets": [], "register": []}
    problems: list[Problem] = []
    root = project_root.resolve()
    for folder, dirs, files in os.walk(content_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_ignored(d) and inside(Path(folder, d), root, content_dir, problems))
        for name in sorted(files):
            file = Path(folder, name)
            if is_ignored(name) or not inside(file, root, content_dir, problems):
                continue
            source = describe(file, content_dir)
            role = classify(source.path)
            problem = check_size(source, role)
            problems += [problem] if problem else []
            found[role].append(source)
    register = found["register"][0] if found["register"] else None
    return Sources(tuple(found["articles"]), tuple(found["pages"]), tuple(found["assets"]), register, tuple(problems))


def inside(path: Path, root: Path, content_dir: Path, problems: list[Problem]) -> bool:
    """Accept a path unless it is a link that resolves outside the project."""
    if not path.is_symlink():
        return True
    target = path.resolve()
    if target.is_relative_to(root) and target.exists():
        return True
    rel = path.relative_to(content_dir).as_posix()
    problems.append(Problem(f"content/{rel}", 0, "Liên kết tượng trưng (symlink) trỏ ra ngoài dự án hoặc tới tệp không tồn tại.",
                            "Chép tệp thật vào content/ thay cho liên kết."))
    return False


def describe(file: Path, content_dir: Path) -> SourceFile:
    """Record a file's content-relative path, size and modification time."""
    stat = file.stat()
    return SourceFile(file.relative_to(content_dir).as_posix(), file, stat.st_size, stat.st_mtime_ns)


def classify(path: str) -> str:
    """Decide a file's role from its place and name."""
    if path == REGISTER:
        return "register"
    if not path.endswith(".md"):
        return "assets"
    return "pages" if path.startswith(PAGES_DIR + "/") else "articles"


def check_size(source: SourceFile, role: str) -> Problem | None:
    """Refuse text files and assets too large to be what they claim."""
    limit = MAX_ASSET_BYTES if role == "assets" else MAX_TEXT_BYTES
    if source.size <= limit:
        return None
    return Problem(f"content/{source.path}", 0, f"Tệp quá lớn ({source.size // 1_000_000} MB).",
                   "Tệp này có lẽ bị chép nhầm vào content/; hãy xoá hoặc nén nhỏ lại.")
