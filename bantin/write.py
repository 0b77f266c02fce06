"""Stage 6: the only code that touches the output folder. A build is swapped in whole, or not at all."""

from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .problems import BuildError, Problem

STAGING_MARK = ".bantin-staging"
RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class WriteReport:
    """How many files the build wrote, and how many were unchanged."""

    written: int
    unchanged: int


def check_output(output: Path, root: Path) -> None:
    """Refuse an output folder that could destroy the project or anything outside it."""
    output, root = output.resolve(), root.resolve()
    reason = ""
    if output in (root, root / "content", root / "theme") or root.is_relative_to(output):
        reason = f"Thư mục xuất “{output}” trùng với thư mục dự án, content/ hoặc theme/."
    elif not output.is_relative_to(root):
        reason = f"Thư mục xuất “{output}” nằm ngoài dự án “{root}”."
    elif output.is_relative_to(root / "content") or output.is_relative_to(root / "theme"):
        reason = f"Thư mục xuất “{output}” nằm trong content/ hoặc theme/."
    elif output.exists() and not output.is_dir():
        reason = f"“{output}” là một tệp, không phải thư mục."
    if reason:
        raise BuildError([Problem("site.toml", 0, reason, 'Dùng một thư mục riêng trong dự án, ví dụ: output = "public"')])


def write_site(output: Path, files: dict[str, bytes], copies: dict[str, Path]) -> WriteReport:
    """Write a complete site into a staging folder beside `output`, then swap it in atomically."""
    remove_stale_staging(output)
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    staging.mkdir(parents=True)
    (staging / STAGING_MARK).touch()
    try:
        report = fill(staging, output, files, copies)
        (staging / STAGING_MARK).unlink()
        swap(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return report


def fill(staging: Path, previous: Path, files: dict[str, bytes], copies: dict[str, Path]) -> WriteReport:
    """Write every file; reuse the previous build's file when its bytes are the same."""
    unchanged = 0
    for name in sorted(set(files) | set(copies)):
        target, old = staging / name, previous / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if name in files:
            reused = same_bytes(old, files[name]) and link(old, target)
            if not reused:
                target.write_bytes(files[name])
        else:
            reused = old.is_file() and same_file(old, copies[name]) and link(old, target)
            if not reused:
                shutil.copy2(copies[name], target)
        unchanged += reused
    return WriteReport(len(files) + len(copies) - unchanged, unchanged)


def same_bytes(old: Path, data: bytes) -> bool:
    """Tell whether a file already holds exactly these bytes."""
    return old.is_file() and old.stat().st_size == len(data) and old.read_bytes() == data


def same_file(old: Path, source: Path) -> bool:
    """Tell whether a copied file is still current, by size and modification time."""
    a, b = old.stat(), source.stat()
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def link(old: Path, target: Path) -> bool:
    """Hard-link an unchanged file from the previous build, keeping its timestamp for rsync."""
    try:
        os.link(old, target)
        return True
    except OSError:
        return False


def swap(staging: Path, output: Path) -> None:
    """Exchange the staging folder with the live one in a single step where the system allows."""
    if not output.exists():
        staging.rename(output)
        return
    if not exchange(staging, output):
        retired = output.parent / f".{output.name}.staging-old-{os.getpid()}"
        output.rename(retired)
        (retired / STAGING_MARK).touch()
        staging.rename(output)
        staging = retired
    shutil.rmtree(staging)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        (a / STAGING_MARK).touch()
    return result == 0


def remove_stale_staging(output: Path) -> None:
    """Delete staging folders left by a build that was killed, and only those."""
    if not output.parent.is_dir():
        return
    for stale in output.parent.glob(f".{output.name}.staging-*"):
        if stale.is_dir() and not stale.is_symlink() and (stale / STAGING_MARK).exists():
            shutil.rmtree(stale)


def write_in_place(output: Path, files: dict[str, bytes], copies: dict[str, Path], previous: set[str]) -> WriteReport:
    """Update a preview folder: write changed files, delete ones no longer produced."""
    written = 0
    for name, data in files.items():
        target = output / name
        if not same_bytes(target, data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
    for name, source in copies.items():
        target = output / name
        if not (target.is_file() and same_file(target, source)):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            written += 1
    for name in previous - set(files) - set(copies):
        (output / name).unlink(missing_ok=True)
    return WriteReport(written, len(files) + len(copies) - written)
