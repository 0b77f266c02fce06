"""Stage 6: the only code that touches the output folder. A build is swapped in whole, or not at all.

A full build is written into a staging folder beside the output, `.<output>.staging-<pid>`, and
exchanged with the live folder in one atomic step (Linux renameat2 RENAME_EXCHANGE), so a build
killed at any moment leaves the output wholly old or wholly new. The old tree is then deleted from
its staging name, or kept in .bantin/ to be recycled by the next build (see write_site); whatever
a killed build leaves behind carries the staging name, and the next build deletes it. Nothing else
outside the output folder (and .bantin/) is ever written or deleted.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from contextlib import contextmanager
from typing import Iterable, Iterator, Mapping

from .destination import folders_of


RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class StagingReport:
    """What was written: how many files were new or changed, how many kept as they were, and their names."""

    written: int = 0
    unchanged: int = 0
    names: frozenset[str] = frozenset()

    def __add__(self, other: StagingReport) -> StagingReport:
        return StagingReport(self.written + other.written, self.unchanged + other.unchanged, self.names | other.names)


Made = Mapping[str, "bytes | Path"]  # output name -> its bytes, or a file to copy as it is


@dataclass(frozen=True)
class Staging:
    """The folder a build is written into, beside the output, before it is swapped in whole (see publish).

    `previous` is the live output: a file with the same bytes there is hard-linked instead of
    written, so unchanged files keep their inode and timestamp (rsync, and the next build's
    memo, see them unchanged). `fresh`: the folder started empty, so nothing in it need be compared.
    Every process of a build may write into it (each output has one name).
    """

    folder: Path
    previous: Path
    fresh: bool

    def put_all(self, made: Made) -> StagingReport:
        """Write outputs; keep a recycled file or link the previous build's file when its bytes are the same."""
        unchanged = 0
        folders: dict[str, bool] = {}
        reusable = not self.fresh or self.previous.is_dir()
        handle = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)  # names relative to it: less for the kernel to walk
        try:
            for name in sorted(made):
                parent = name.rpartition("/")[0]
                if parent not in folders:
                    folders[parent] = made_now(handle, parent)
                value = made[name]
                if folders[parent] and not reusable and not isinstance(value, Path):
                    write_at(handle, name, value)  # a first build into a new folder: nothing to keep or link
                    continue
                unchanged += self.put(name, value)
        finally:
            os.close(handle)
        return StagingReport(len(made) - unchanged, unchanged, frozenset(made))

    def put(self, name: str, value: bytes | Path) -> bool:
        """Write one output (bytes, or a file to copy); return True when an identical file could be kept or linked."""
        target, old = self.folder / name, self.previous / name
        fits = (lambda file: same_bytes(file, value)) if not isinstance(value, Path) else \
            (lambda file: file.is_file() and same_file(file, value))
        if keep_or_link(target, old, fits):
            return True
        if isinstance(value, Path):
            shutil.copy2(value, target)
        else:
            target.write_bytes(value)
        return False


@contextmanager
def staging(output: Path, names: set[str], spare: Path | None = None) -> Iterator[Staging]:
    """Open a staging folder beside `output` for a site of these output `names`; remove it if the build fails.

    With a `spare` folder (in .bantin/), the site replaced is kept there and recycled as the next
    staging folder: deleting thousands of folders costs more than writing the site (several ms
    each on disks with online discard), and a 10,000-article site has 10,000 of them.
    """
    folder = output.parent / f".{output.name}.staging-{os.getpid()}"
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    recycled = recycle(spare, folder)
    if recycled:
        prune(folder, names)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield Staging(folder, output, fresh=not recycled)
    finally:
        if folder.is_dir():
            shutil.rmtree(folder)  # the unfinished build, or the old site if it could not be kept


def publish(stage: Staging, spare: Path | None = None) -> None:
    """Swap a complete staging folder in for the output in one step (the old site goes to `spare`, or is deleted)."""
    swap(stage.folder, stage.previous)
    keep_spare(stage.folder, spare)


def recycle(spare: Path | None, folder: Path) -> bool:
    """Start the staging folder from the spare site, so its folders need not be made again; tell whether it was."""
    if spare is not None and spare.is_dir() and not spare.is_symlink():
        try:
            spare.rename(folder)
            return True
        except OSError:
            pass  # another build took it, or it is on another disk: start empty
    return False


def keep_spare(folder: Path, spare: Path | None) -> None:
    """Keep the site just replaced (now under the staging name) as the spare for the next build."""
    if spare is not None and folder.is_dir() and not folder.is_symlink():
        try:
            spare.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(spare)
        except OSError:
            pass  # a spare is there already, or it is on another disk: the old site is deleted instead


def made_now(folder: int, name: str) -> bool:
    """Create a folder (and its parents) inside an open folder if missing; tell whether it was created, so holds nothing yet."""
    if not name:
        return False
    try:
        os.mkdir(name, dir_fd=folder)
        return True
    except FileNotFoundError:
        made_now(folder, name.rpartition("/")[0])
        try:
            os.mkdir(name, dir_fd=folder)
            return True
        except FileExistsError:  # the other worker made it meanwhile
            return False
    except FileExistsError:
        return False


def write_at(folder: int, name: str, data: bytes) -> None:
    """Write a new file inside an open folder, as Path.write_bytes would."""
    handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666, dir_fd=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def keep_or_link(target: Path, old: Path, fits) -> bool:
    """Keep a recycled file that fits, else link the previous build's file if it fits; False when neither does."""
    if fits(target):
        return True
    target.unlink(missing_ok=True)  # never write through a recycled file: it may be a link into the live site
    return fits(old) and link(old, target)


def prune(staging: Path, names: set[str]) -> None:
    """Delete from a recycled staging folder every file, folder and link the new site does not have."""
    folders = folders_of(names)
    pending = [("", str(staging))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_symlink() or (not entry.is_dir() and name not in names):
                    os.unlink(entry.path)
                elif entry.is_dir() and name not in folders:
                    shutil.rmtree(entry.path)
                elif entry.is_dir():
                    pending.append((name + "/", entry.path))


def same_bytes(old: Path, data: bytes) -> bool:
    """Tell whether a file already holds exactly these bytes."""
    return old.is_file() and old.stat().st_size == len(data) and old.read_bytes() == data


def same_file(old: Path, source: Path) -> bool:
    """Tell whether a copied file is still current, by size and exact modification time (copy2 keeps both)."""
    a, b = old.stat(), source.stat()
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def link(old: Path, target: Path) -> bool:
    """Hard-link an unchanged file from the previous build, keeping its timestamp for rsync."""
    if old.is_symlink():
        return False  # bantin never writes links; one planted in the output is not reused
    try:
        os.link(old, target, follow_symlinks=False)
        return True
    except OSError:
        return False


def swap(staging: Path, output: Path) -> None:
    """Put the staging folder in the output's place in one step; the old site ends up under the staging name."""
    if not output.exists():
        staging.rename(output)
    elif not exchange(staging, output):
        # No atomic exchange here: retire the old site under a name the next build recognises and restores.
        retired = output.parent / f".{output.name}.staging-old-{os.getpid()}"
        output.rename(retired)
        staging.rename(output)
        retired.rename(staging)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0


def remove_stale_staging(output: Path) -> None:
    """Delete what builds that were killed left beside the output, and only that; restore a retired site if needed."""
    if not output.parent.is_dir():
        return
    pattern = re.compile(rf"\.{re.escape(output.name)}\.staging-(old-)?(\d+)")
    for stale in sorted(output.parent.iterdir()):
        match = pattern.fullmatch(stale.name)
        if not match or stale.is_symlink() or not stale.is_dir():
            continue
        owner = int(match.group(2))
        if owner != os.getpid() and process_alive(owner):  # a concurrent build's
            continue
        if match.group(1) and not output.exists():
            stale.rename(output)  # killed between the two renames of the fallback swap: the old site comes back
        else:
            shutil.rmtree(stale)


def process_alive(pid: int) -> bool:
    """Tell whether a process is running (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def existing_files(output: Path) -> set[str]:
    """List the files already in a preview folder, so a new session can remove stale ones."""
    if not output.is_dir():
        return set()
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file() and not p.is_symlink()}


@dataclass(frozen=True)
class PreviewFolder:
    """The folder `serve` updates in place: only files whose bytes changed are written."""

    folder: Path

    def put_all(self, made: Made) -> StagingReport:
        """Write the outputs that differ from what the folder holds."""
        written = 0
        for name, value in made.items():
            target = self.folder / name
            if isinstance(value, Path):
                if target.is_file() and not target.is_symlink() and same_file(target, value):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                shutil.copy2(value, target)
            elif not same_bytes(target, value):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                target.write_bytes(value)
            else:
                continue
            written += 1
        return StagingReport(written, len(made) - written, frozenset(made))

    def remove(self, names: Iterable[str]) -> None:
        """Delete files the site no longer has (a folder output, such as the search index, whole), and the folders they leave empty."""
        for name in names:
            target = self.folder / name
            if name.endswith("/"):
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
            for parent in target.parents:
                if parent == self.folder:
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break
