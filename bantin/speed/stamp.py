"""Fingerprints of everything a build reads, so a build whose inputs did not change can stop at once.

A build stamp (.bantin/stamp) records, after a successful build: a digest of every input
(the engine's own code and library versions, the command-line options that shape the
output, site.toml, every file under content/ and the theme folders by name, size and
modification time), a digest of the output folder as that build left it, the next moment
when time alone changes the site (a scheduled article is published, an item expires),
and the summary and warnings to print. When all of it still holds, the site on disk is
exactly what a new build would write, and `build` says so without rebuilding.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import pickle
import stat
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .. import __version__
from ..problems import Problem
from ..stages.discover import is_folder
from ..stages.destination import folders_of
from .files import write_whole

LIBRARIES = ("Markdown", "Jinja2", "MarkupSafe", "nh3", "PyYAML", "python-slugify", "text-unidecode")
STAMP_FORMAT = 3
ENGINE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Hash bantin's own code, Python's and the libraries' versions: a new engine never reuses old results."""
    digest = hashlib.sha256(f"{__version__}|{sys.version}|{STAMP_FORMAT}".encode())
    for file in sorted(ENGINE.rglob("*.py")):  # every module of every subpackage
        digest.update(file.relative_to(ENGINE).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)};".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    try:
        import yaml
        digest.update(f"libyaml={getattr(yaml, '__with_libyaml__', False)}".encode())
    except ImportError:
        pass
    return digest.hexdigest()


def scan(top: Path, ignored: Callable[[str], bool] = lambda name: False,
         stats: dict[str, os.stat_result] | None = None) -> list[tuple[str, int, int, int, int]]:
    """List every file and folder under `top` with its size, modification time, kind and access, in a stable order.

    The access (permissions and owner, see access_of) is there because a chmod or chown changes what
    the build may read without touching the time: a file made unreadable is a changed input.
    Links are followed for their size and time (a link to a changed file is a changed input),
    and marked, so replacing a file by a link is a change too. Names `ignored` says the build
    never reads (editor swap files) are left out, so an open editor does not defeat the stamp.
    `stats`, if given, receives each file's stat by its full path (discovery reuses them).
    """
    found: list[tuple[str, int, int, int, int]] = []
    for name, entry in entries_under(top, ignored):
        try:
            info = entry.stat()
        except OSError:
            found.append((name, -1, -1, 0, 0))  # a dangling link: its mere presence is the state
            continue
        kind = (2 if entry.is_symlink() else 0) | (1 if entry.is_dir() else 0)
        if stats is not None and not kind & 1:
            stats[entry.path] = info
        found.append((name + "/", 0, 0, kind, access_of(info)) if kind & 1 else (name, info.st_size, info.st_mtime_ns, kind, access_of(info)))
    return found


def access_of(info: os.stat_result) -> int:
    """Pack a path's permission bits, owner and group into one number."""
    return (info.st_uid << 32 | info.st_gid) << 12 | stat.S_IMODE(info.st_mode)


def entries_under(top: Path, ignored: Callable[[str], bool] = lambda name: False) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Yield every entry under `top` but the `ignored`, with its name relative to `top`, each folder's by name."""
    pending = [("", str(top))]
    seen = {os.path.realpath(top)}  # each real folder once, as discovery walks them: a loop of links ends
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=attrgetter("name"))
        except OSError:
            continue
        for entry in entries:
            if ignored(entry.name):
                continue
            yield prefix + entry.name, entry
            if is_folder(entry) and (real := os.path.realpath(entry.path)) not in seen:
                seen.add(real)
                pending.append((prefix + entry.name + "/", entry.path))


def digest_of(*parts: object) -> str:
    """Hash a few plain values (and scans) in a stable way."""
    return hashlib.sha256(pickle.dumps(parts, protocol=4)).hexdigest()


@dataclass(frozen=True)
class Stamp:
    """What a successful build recorded about its inputs and its output."""

    inputs: str
    output: str
    listing: tuple[str, ...]
    valid_until: datetime | None
    pages: int
    articles: int
    warnings: tuple[Problem, ...]


def stamp_file(root: Path) -> Path:
    """Return where the build stamp lives."""
    return root / ".bantin" / "stamp"


def read_stamp(root: Path) -> Stamp | None:
    """Load the last build's stamp, or None if there is none or it cannot be read."""
    try:
        stamp = pickle.loads(stamp_file(root).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError):
        return None
    return stamp if isinstance(stamp, Stamp) else None


def write_stamp(root: Path, stamp: Stamp | None) -> None:
    """Record a build's stamp (or forget it); a stamp that cannot be written only costs speed."""
    if stamp is not None:
        write_whole(stamp_file(root), pickle.dumps(stamp, protocol=pickle.HIGHEST_PROTOCOL))
        return
    with contextlib.suppress(OSError):
        stamp_file(root).unlink(missing_ok=True)


def earliest_after(moments: Iterable[datetime | None], now: datetime) -> datetime | None:
    """Return the first moment after `now` at which an item appears or expires, if any."""
    return min((m for m in moments if m is not None and m > now), default=None)


def listing_of(names: Iterable[str]) -> tuple[str, ...]:
    """List, as `scan` names them, an output folder that holds exactly the files `names` and their folders.

    A build's output is such a folder (write.prune removes everything else from a recycled one),
    so the build lists it without walking 10,000 folders again.
    """
    files = set(names)
    return ("", *sorted(files | {folder + "/" for folder in folders_of(files) if folder}))


def output_state(output: Path, listing: tuple[str, ...]) -> str:
    """Digest the kind, size and time of every listed path; "" if one is missing.

    A folder's time changes whenever an entry is added, removed or renamed in it, so with the
    folders listed, a stray file added anywhere changes the digest too, without listing anything.
    """
    return state_digest(listing, path_states(output, listing))


def path_states(output: Path, listing: tuple[str, ...]) -> list[tuple[int, int, int]] | None:
    """Return (kind, size, time) of every listed path, or None if one is missing."""
    states = path_stats(output, listing)
    return None if None in states else states


def path_stats(output: Path, listing: tuple[str, ...]) -> list[tuple[int, int, int] | None]:
    """Return (kind, size, time) of every listed path, None for one that is missing."""
    base = str(output) + "/"
    return [stat_of(base + name) for name in listing]


def stat_of(path: str) -> tuple[int, int, int] | None:
    """Return a path's kind, size and time (not following a link), or None if it is missing."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return info.st_mode, info.st_size, info.st_mtime_ns


def state_digest(listing: tuple[str, ...], states: list[tuple[int, int, int]] | None) -> str:
    """Digest a listing with its paths' states; "" when they could not all be read."""
    return "" if states is None else digest_of(listing, states)


def still_valid(stamp: Stamp, inputs: str, output: Path, now: datetime) -> bool:
    """Tell whether the output on disk is exactly what a build with these inputs would write now."""
    return (stamp.inputs == inputs and (stamp.valid_until is None or now < stamp.valid_until)
            and stamp.output != "" and output_state(output, stamp.listing) == stamp.output)
