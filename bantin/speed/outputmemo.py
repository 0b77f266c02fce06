"""Make again only the outputs whose inputs changed: every declared output has a key.

An output's key digests its own record (a Page with its data, a Feed with its entries...,
see digest.py) together with the render context: the engine, every theme file, the
configuration, the standalone pages and whether this is a preview, and the whole site
when a template reads it. The memo (.bantin/cache/outputs.pickle) remembers, per output
file, the key it was made from and the file's size and time as written. An output whose
key is unchanged, and whose file is still as written, is not made again: the build links
the old file into the new output. Copied files (Asset) are left to the writer, which links
them by size and time.

A first build has no memo to consult, and needs the keys only to remember them: they are
worked out by the workers, beside the outputs they make (see KeyingRun).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..stages.content import Article
from ..stages.config import Section
from ..stages.directives import Directive
from ..stages.model import Asset, Output, Picture, Site, Teaser
from ..stages.theme import template_files, theme_dirs, theme_static, whole_site_readers
from .digest import Digester
from .files import write_whole
from .stamp import digest_of, engine_fingerprint

MEMO_FILE = "outputs.pickle"
# An article is what its source file says: its fingerprint digests the file, and the render
# context digests the engine and the settings. Digesting its bodies again would cost more than the rest.
BY_SOURCE = {Article: ("path", "kind", "fingerprint")}
SHARED_RECORDS = (Teaser, Section, Directive, Picture)  # shown on many pages: a worker remembers their digests
FileState = tuple[int, int]  # size, modification time


def render_context(site: Site) -> bytes:
    """Digest everything an output's making depends on besides its own record."""
    theme = [(name, file.read_bytes()) for name, file in template_files(site.config)]
    theme += [(asset.output, Path(asset.source).read_bytes()) for asset in theme_static(site.config)]
    digester = Digester()
    shown = digester.digest((site.config, site.standalone_pages, site.register, site.preview))
    whole = digester.digest((site.entries, site.pages, site.feeds, site.built_at)) if whole_site_readers(site.config, pages_only=True) else b""
    folders = [str(d) for d in theme_dirs(site.config.root, site.config.theme)]
    return digest_of(engine_fingerprint(), theme, shown, whole, folders).encode()


class OutputKeys:
    """Work out outputs' keys in one process, digesting each record of the model once."""

    def __init__(self, context: bytes, kept: tuple[type, ...] | None = None) -> None:
        self.context = context
        self.digester = Digester(BY_SOURCE, kept)
        self.known: dict[int, tuple[Output, bytes]] = {}  # by output object: serve keys the same objects again and again

    def of(self, outputs: Sequence[Output]) -> dict[str, bytes]:
        """Return the key of every output but copied files; none at all when one cannot be digested."""
        keys = {}
        try:
            for output in outputs:
                if isinstance(output, Asset):
                    continue
                known = self.known.get(id(output))
                if known is None or known[0] is not output:
                    known = self.known[id(output)] = (output, self.key(output))
                keys[output.output] = known[1]
        except TypeError:  # a value digest.py does not know: make everything, always
            return {}
        if len(self.known) > 2 * len(outputs):  # forget outputs of rebuilds long gone
            self.known = {id(o): self.known[id(o)] for o in outputs if id(o) in self.known}
        return keys

    def changed(self, outputs: Sequence[Output], last: dict[str, bytes]) -> tuple[list[Output], dict[str, bytes]]:
        """Return the outputs to make again, those whose key is not the one in `last` and every copied file (the writer
        compares those), with every key."""
        keys = self.of(outputs)
        return [o for o in outputs if (key := keys.get(o.output)) is None or last.get(o.output) != key], keys

    def key(self, output: Output) -> bytes:
        """Digest one output with the render context."""
        return hashlib.blake2b(self.context + self.digester.digest(output), digest_size=16).digest()


class OutputMemo:
    """Which key each output file was made from, and how the file looked when written."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / MEMO_FILE
        self.known: dict[str, tuple[bytes, int, int]] = {}
        try:
            self.known = pickle.loads(self.file.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass

    def __bool__(self) -> bool:
        return bool(self.known)

    def kept(self, keys: dict[str, bytes], output: Path) -> dict[str, Path]:
        """Return the output files that already hold what their output would be made into now."""
        found = {}
        for name, key in keys.items():
            old = self.known.get(name)
            if old is not None and old[0] == key and file_state(output / name) == old[1:]:
                found[name] = output / name
        return found

    def save(self, keys: dict[str, bytes], states: Mapping[str, tuple[int, int, int] | None]) -> None:
        """Remember what the build just wrote (`states`: each output path's kind, size and time, as the stamp took
        them); a memo that cannot be written only costs speed."""
        known = {name: (key, state[1], state[2]) for name, key in keys.items()
                 if (state := states.get(name)) is not None and stat.S_ISREG(state[0])}
        write_whole(self.file, pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))


def file_state(path: Path) -> FileState | None:
    """Return a regular file's size and modification time, or None."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def keyed_prepare(prepare: Callable[[Any], Any], context: bytes, shared: Any) -> tuple[Any, OutputKeys]:
    """Prepare a process for a render that also keys each batch's outputs."""
    return prepare(shared), OutputKeys(context, kept=SHARED_RECORDS)


def keyed_work(work: Callable[[Any, Any], Any], prepared: tuple[Any, OutputKeys], output: Output) -> tuple[Any, dict[str, bytes]]:
    """Make an output as `work` does, and key it."""
    inner, keys = prepared
    return work(inner, output), keys.of((output,))


class KeyingRun:
    """A render's `run` that also gathers the key of every output made, worked out where it is made."""

    def __init__(self, run: Callable[..., Iterator[Any]], context: bytes) -> None:
        self.inner, self.context = run, context
        self.keys: dict[str, bytes] = {}

    def __call__(self, work: Callable[[Any, Any], Any], items: Sequence[Output], shared: Any,
                 prepare: Callable[[Any], Any]) -> Iterator[Any]:
        """Run `work` on every output, noting its key."""
        for result, keys in self.inner(partial(keyed_work, work), items, shared, partial(keyed_prepare, prepare, self.context)):
            self.keys.update(keys)
            yield result
