"""How a task travels to a worker: pickled, and kept lean.

A 10,000-article build sends about 13,000 pages to the workers. Two things keep that cheap:

- objects a run sends once (its table, see executor.WorkerPool.run) are named by their place;
  a teaser is shown on a dozen pages spread over many batches;
- article bodies travel as UTF-8 bytes: pickling a str makes CPython keep a UTF-8 copy inside
  that str for as long as it lives, about 90 MB in the parent for every body of 10,000 articles.
"""

from __future__ import annotations

import copyreg
import io
import pickle
from typing import Callable, Sequence

from ..stages.content import Article

PROTOCOL = pickle.HIGHEST_PROTOCOL


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


class TaskPickler(pickle.Pickler):
    """Pickle a task's items: objects of the run's table by their place, article bodies as UTF-8 bytes.

    Only the types of the table's objects (and articles) take a Python-level path: a
    `persistent_id` would be asked about every object of every page. (The reducer is not a
    bound method: a pickler that refers to itself is a cycle, and the build pauses the collector.)
    """

    bodies = copyreg.dispatch_table | {Article: with_body_as_bytes}

    def __init__(self, file: io.BytesIO, places: dict[int, int], table: Sequence[object],
                 lookup: Callable[[str, int], object], token: str) -> None:
        super().__init__(file, protocol=PROTOCOL)
        by_place = place_reducer(places, table, lookup, token)
        self.dispatch_table = self.bodies | {kind: by_place for kind in {type(obj) for obj in table}}


def place_reducer(places: dict[int, int], table: Sequence[object], lookup: Callable[[str, int], object],
                  token: str) -> Callable[[object], tuple[object, ...]]:
    """Return a reducer naming an object of the run's table by its place (an equal object elsewhere travels whole)."""
    def by_place(obj: object) -> tuple[object, ...]:
        """Reduce an object to (lookup, (token, place)), or as pickle would."""
        place = places.get(id(obj))
        if place is None or table[place] is not obj:
            return obj.__reduce_ex__(PROTOCOL)
        return lookup, (token, place)
    return by_place
