"""The partials a process keeps while it renders: the latest few thousand, so memory stays small."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterator, MutableMapping

from markupsafe import Markup

PARTIALS_KEPT = 12000  # about 15 MB per process; measured: each worker then renders a card about once


class RecentPartials(MutableMapping[tuple[Any, ...], Markup]):
    """A store of rendered partials that forgets the least recently used beyond PARTIALS_KEPT.

    Pages that show the same teasers are rendered one after another (render.neighbourhood), so
    the latest few thousand cards are the ones a page is likely to show again.
    """

    def __init__(self, size: int = PARTIALS_KEPT) -> None:
        self.size = size
        self.kept: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()

    def __getitem__(self, key: tuple[Any, ...]) -> Markup:
        html = self.kept[key]
        self.kept.move_to_end(key)
        return html

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        """Return a kept partial (now the most recent), or `default`."""
        html = self.kept.get(key)
        if html is None:
            return default
        self.kept.move_to_end(key)
        return html

    def __setitem__(self, key: tuple[Any, ...], html: Markup) -> None:
        self.kept[key] = html
        if len(self.kept) > self.size:
            self.kept.popitem(last=False)

    def __delitem__(self, key: tuple[Any, ...]) -> None:
        del self.kept[key]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.kept)

    def __len__(self) -> int:
        return len(self.kept)
