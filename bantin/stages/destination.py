"""Where a build may write, checked before anything is written: the output folder, and every name inside it.

The output folder must be a folder of its own (never the project, content/ or the theme), and
every output name must be one the file system can hold: no empty, "." or ".." parts, no part
longer than the file system allows, no path deeper than any real address, no file where another
output needs a folder. Each refusal names the file that asked for the name and the fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

from ..problems import BuildError, Problem

MAX_DEPTH = 32  # folders in one output path: no real address is deeper, and the file system's limit is near
MAX_PATH_BYTES = 1024
MAX_NAME_BYTES = 255
BAD_PART = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|\0")  # an empty, "." or ".." part, or a NUL
OUTPUT_HINT = 'Dùng một thư mục riêng trong dự án, ví dụ: output = "public"'


def check_output(output: Path, root: Path, flag: str | None = None) -> None:
    """Refuse an output folder that could destroy the project or anything outside it (write.remove_stale_staging tidies after killed builds).

    `flag` names the command-line option the folder came from, if it did not come from site.toml.
    """
    output, root = output.resolve(), root.resolve()
    reason, hint = output_danger(output, root), f"Dùng một thư mục riêng trong dự án, ví dụ: {flag} public" if flag else OUTPUT_HINT
    if not reason and output.is_dir() and not looks_built(output):
        reason = f"Thư mục xuất “{output}” đã có tệp không do bantin dựng (không có index.html); bantin sẽ không xoá nó."
        hint = "Chọn một thư mục mới cho output, hoặc tự xoá thư mục này nếu chắc chắn không cần."
    if reason:
        raise BuildError([Problem(flag, 0, reason, hint) if flag else Problem("site.toml", output_line(root), reason, hint)])


def output_danger(output: Path, root: Path) -> str:
    """Say why an output folder is dangerous to replace, or return "" when it is safe."""
    if output == root or root.is_relative_to(output):
        return f"Thư mục xuất “{output}” trùng với thư mục dự án hoặc chứa cả dự án."
    if not output.is_relative_to(root):
        return f"Thư mục xuất “{output}” nằm ngoài dự án “{root}”."
    for folder in ("content", "theme", ".git"):
        if output.is_relative_to(root / folder):
            return f"Thư mục xuất “{output}” nằm trong {folder}/."
    if output.exists() and not output.is_dir():
        return f"“{output}” là một tệp, không phải thư mục."
    if (output / ".git").exists() or (output / "site.toml").exists():
        return f"Thư mục xuất “{output}” là một dự án hay kho mã nguồn khác."
    return ""


def looks_built(output: Path) -> bool:
    """Tell whether a folder is empty or holds a site bantin built (every build writes index.html)."""
    return (output / "index.html").is_file() or not any(output.iterdir())


def output_line(root: Path) -> int:
    """Find the line of `output = ...` in site.toml, or 0."""
    try:
        lines = (root / "site.toml").read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((n for n, line in enumerate(lines, start=1) if re.match(r"\s*output\s*=", line)), 0)


def check_names(output: Path, files: Iterable[str], copies: Mapping[str, Path]) -> None:
    """Refuse output names that would leave the folder, or need one path as both a file and a folder."""
    files = set(files)
    names = files | set(copies)
    files_as_folders = names & folders_of(names)  # usually none, and then no name's folders need looking at
    copied_over = set(copies).intersection(files)
    problems = []
    for name in sorted(names):
        if BAD_PART.search(name):
            problems.append(Problem(f"{output.name}/{name}", 0, f"Đường dẫn xuất “{name}” không hợp lệ.",
                                    "Đổi slug hoặc địa chỉ cũ (aliases) tạo ra nó."))
        elif len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES and too_long(name):
            problems.append(Problem(f"{output.name}/{name}", 0, f"Tên “{name}” quá dài cho hệ thống tệp.",
                                    "Rút ngắn slug, tên tệp hoặc địa chỉ cũ."))
        elif name.count("/") > MAX_DEPTH or len(name.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES:
            problems.append(Problem(f"{output.name}/{name[:120]}", 0,
                                    f"Đường dẫn “{name[:120]}…” quá sâu hoặc quá dài (tối đa {MAX_DEPTH} cấp thư mục, {MAX_PATH_BYTES} byte).",
                                    "Rút ngắn địa chỉ cũ (aliases) hoặc slug tạo ra nó."))
        elif files_as_folders and (folder := next((f for f in parents(name) if f in files_as_folders), None)):
            problems.append(Problem(f"{output.name}/{name}", 0, f"“{name}” cần thư mục “{folder}”, nhưng “{folder}” đã là một tệp.",
                                    "Đổi slug, tên tệp hoặc địa chỉ cũ (aliases) để hai đường dẫn không đè lên nhau."))
        if name in copied_over:
            problems.append(Problem(shown(copies[name], output.parent), 0, f"Tệp này trùng tên với tệp bantin tự tạo “{name}”.",
                                    "Đổi tên hoặc xoá tệp này."))
    if problems:
        raise BuildError(problems)


def too_long(name: str) -> bool:
    """Tell whether a part of an output name is longer than a file name may be."""
    return any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for part in name.split("/"))


def parents(name: str) -> list[str]:
    """List the folders an output name needs, outermost first: "a", "a/b" for "a/b/c"."""
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def shown(file: Path, base: Path) -> str:
    """Show a source file relative to the project when possible."""
    return file.relative_to(base).as_posix() if file.is_relative_to(base) else str(file)


def folders_of(names: Iterable[str]) -> set[str]:
    """List the folders that hold the files `names`, and "" for the top one."""
    folders = {""}
    for name in names:
        while (name := name.rpartition("/")[0]) and name not in folders:
            folders.add(name)
    return folders
