"""How batches of pages travel to the worker processes: pickled, and kept lean.

A 10,000-article build sends about 13,000 pages to the workers, and pickling them in the
parent and unpickling them in the workers was a seventh of the build's CPU. Two things keep
it down:

- article bodies travel as UTF-8 bytes (see TaskPickler);
- teasers travel once: each is shown on a dozen pages spread over many batches, so the
  parent writes every article's teaser to one temporary file (TeaserTable), each worker
  reads that file once, and a batch names a teaser by its place in it.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import secrets
import tempfile
from typing import Any, Callable

from .content import Article
from .model import Site, Teaser

PROTOCOL = pickle.HIGHEST_PROTOCOL
_tables: dict[str, tuple[Teaser, ...]] = {}  # in a worker: the teaser table of the build under way


class Utf8(bytes):
    """A long text on its way to a worker, as UTF-8."""


def with_body_as_bytes(obj: Article) -> tuple[Callable[..., object], tuple[type, dict[str, object]]]:
    """Reduce an article for pickling, with its body as UTF-8 bytes."""
    state = obj.__dict__.copy()
    state["body_html"] = Utf8(obj.body_html.encode("utf-8", "surrogatepass"))
    return restore, (type(obj), state)


def restore(kind: type, state: dict[str, object]) -> object:
    """Rebuild an article pickled by TaskPickler (as pickle itself would: no __init__)."""
    obj = kind.__new__(kind)
    state["body_html"] = state["body_html"].decode("utf-8", "surrogatepass")
    obj.__dict__.update(state)
    return obj


class TeaserTable:
    """Every article's teaser, written once to a temporary file that each worker reads once."""

    def __init__(self, teasers: tuple[Teaser, ...], folder: str | None = None) -> None:
        self.teasers = teasers
        self.places = {id(teaser): place for place, teaser in enumerate(self.teasers)}
        self.token = secrets.token_hex(8)  # a worker never mistakes an older build's table for this one
        handle, self.file = tempfile.mkstemp(prefix="bantin-teasers-", suffix=".pickle", dir=folder)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(self.teasers, out, protocol=PROTOCOL)

    def reduce(self, teaser: Teaser) -> tuple[Any, ...]:
        """Reduce a teaser to its place in the table (pickle it whole if it is not there)."""
        place = self.places.get(id(teaser))
        if place is None or self.teasers[place] is not teaser:
            return teaser.__reduce_ex__(PROTOCOL)
        return teaser_at, (self.file, self.token, place)

    def close(self) -> None:
        """Delete the file (once every batch naming it has been rendered)."""
        try:
            os.unlink(self.file)
        except OSError:
            pass

    def __enter__(self) -> TeaserTable:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def teasers_of(site: Site) -> tuple[Teaser, ...]:
    """Return every article's teaser, in the order of the site's entries."""
    return tuple(entry.teaser for entry in site.entries)


def teaser_at(file: str, token: str, place: int) -> Teaser:
    """Return a teaser from a build's table (in a worker)."""
    return teaser_table(file, token)[place]


def teaser_table(file: str, token: str) -> tuple[Teaser, ...]:
    """Return a build's teaser table, reading its file the first time (in a worker)."""
    teasers = _tables.get(token)
    if teasers is None:
        _tables.clear()
        with open(file, "rb") as data:
            teasers = _tables[token] = pickle.load(data)
    return teasers


class TaskPickler(pickle.Pickler):
    """Pickle pages for a worker: bodies as UTF-8 bytes, teasers by their place in a TeaserTable.

    Pickling a str makes CPython keep a UTF-8 copy inside that str for as long as it lives:
    for every article body of a 10,000-article site, about 90 MB kept in the parent. Only
    articles carry bodies (an entry's is its article's), so only they take this slower,
    Python-level path.
    """

    bodies = copyreg.dispatch_table | {Article: with_body_as_bytes}

    def __init__(self, file: io.BytesIO, table: TeaserTable | None) -> None:
        super().__init__(file, protocol=PROTOCOL)
        self.dispatch_table = self.bodies | {Teaser: table.reduce} if table else self.bodies


def pack(task: object, table: TeaserTable | None = None) -> bytes:
    """Pickle a task for a worker with TaskPickler."""
    buffer = io.BytesIO()
    TaskPickler(buffer, table).dump(task)
    return buffer.getvalue()
