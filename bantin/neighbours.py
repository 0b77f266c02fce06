"""Stage 4b: "Tin liên quan" (related) and "Các tin khác" (others) for every entry, recomputed only near changes.

An entry's related items are the ones its front matter names, then the nearest articles that
share one of its directives; its others are the nearest articles of its section. "Nearest"
means the NEIGHBOURS entries just older in the group (the oldest few also see newer ones).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Iterable

from .model import Entry, Teaser, copied
from .pages import Keys
from .problems import Problem, did_you_mean

if TYPE_CHECKING:
    from .assemble import Memo

NEIGHBOURS = 5


class Chains:
    """Entries grouped by directive and by section, each group oldest first, with positions."""

    def __init__(self, entries: list[Entry], keys: Keys) -> None:
        self.keys, self.entries = keys, entries
        self.groups: dict[int, list[Entry]] = {}
        for entry in reversed(entries):
            for key in (*(2 * keys(d) + 1 for d in entry.directives), 2 * keys(entry.section)):
                group = self.groups.get(key)
                if group is None:
                    group = self.groups[key] = []
                group.append(entry)
        self.positions: dict[int, dict[str, int]] = {}
        self.rank: dict[str, int] | None = None

    def around(self, entry: Entry, key: int) -> list[Entry]:
        """Return the entries just older than `entry` in a group, then just newer ones."""
        group = self.groups[key]
        positions = self.positions.get(key)
        if positions is None:
            positions = self.positions[key] = {e.article.path: i for i, e in enumerate(group)}
        index = positions[entry.article.path]
        older = group[max(0, index - NEIGHBOURS):index]
        return older + group[index + 1:index + 1 + NEIGHBOURS - len(older)]

    def section(self, entry: Entry) -> int:
        """Return the key of an entry's section group."""
        return 2 * self.keys(entry.section)

    def directive(self, directive: object) -> int:
        """Return the key of a directive's group."""
        return 2 * self.keys(directive) + 1

    def newest_first(self, entries: Iterable[Entry]) -> list[Entry]:
        """Sort entries as the site lists them (the same order as newest_first, computed once)."""
        if self.rank is None:
            self.rank = {e.article.path: index for index, e in enumerate(self.entries)}
        return sorted(entries, key=lambda e: self.rank[e.article.path])


def link_neighbours(entries: list[Entry], problems: list[Problem], memo: Memo | None = None) -> list[Entry]:
    """Fill in "Tin liên quan" and "Các tin khác" for every entry."""
    chains = Chains(entries, memo.keys if memo else Keys())
    stale = changed_windows(chains, memo) if memo and not memo.once else None
    by_key = Lookup(entries)
    linked, remembered = [], {}
    for entry in entries:
        path = entry.article.path
        known = memo.linked.get(path) if memo else None
        if stale is not None and known is not None and known[0] is entry and path not in stale and not entry.article.related:
            done = known[1]
        else:
            done = copied(entry, related=related(entry, by_key, chains, problems), others=others(entry, chains))
        remembered[path] = (entry, done)
        linked.append(done)
    if memo is not None:
        memo.groups, memo.linked = chains.groups, remembered
    return linked


def changed_windows(chains: Chains, memo: Memo) -> set[str]:
    """Name the entries whose neighbours may differ from last time: those near where a group changed.

    An entry's window (see Chains.around) is the NEIGHBOURS entries before it in its group,
    or, for the first few, the group's first NEIGHBOURS + 1 entries.
    """
    stale: set[str] = set()
    for key, group in chains.groups.items():
        old = memo.groups.get(key, [])
        n, m = len(group), len(old)
        limit = min(n, m)
        start = next((i for i in range(limit) if old[i] is not group[i]), limit)
        if start == n == m:
            continue
        end = next((i for i in range(limit - start) if old[m - 1 - i] is not group[n - 1 - i]), limit - start)
        dirty = set(range(start, min(n, n - end + NEIGHBOURS)))
        dirty.update(range(n - end, min(n, max(NEIGHBOURS, NEIGHBOURS + n - m))))
        if start <= NEIGHBOURS:
            dirty.update(range(min(n, NEIGHBOURS + 1)))
        stale.update(group[i].article.path for i in dirty)
    return stale


class Lookup:
    """Entries by slug and by path, for `related`; built on first use, since few articles list related items."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.table: dict[str, Entry] | None = None

    def keys(self) -> dict[str, Entry]:
        """Return the table (a later entry wins a shared slug, as it always has)."""
        if self.table is None:
            self.table = {e.article.slug: e for e in self.entries} | {e.article.path: e for e in self.entries}
        return self.table


def related(entry: Entry, by_key: Lookup, chains: Chains, problems: list[Problem]) -> tuple[Teaser, ...]:
    """Explicit related items first, then the nearest articles that share a directive."""
    chosen = [t for name in entry.article.related if (t := explicit(entry, name, by_key.keys(), problems))]
    nearby = {n.article.path: n for d in entry.directives for n in chains.around(entry, chains.directive(d))}
    for neighbour in chains.newest_first(nearby.values()):
        if len(chosen) >= NEIGHBOURS:
            break
        if all(neighbour.teaser is not teaser for teaser in chosen):  # every teaser is its entry's one object
            chosen.append(neighbour.teaser)
    return tuple(chosen)


def explicit(entry: Entry, name: str, by_key: dict[str, Entry], problems: list[Problem]) -> Teaser | None:
    """Resolve one `related` item by slug or by path relative to the article."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(entry.article.path), name))
    found = by_key.get(path) or by_key.get(name)
    if found is None:
        problems.append(Problem(f"content/{entry.article.path}", entry.article.line_of("related"),
                                f"Không tìm thấy bài liên quan “{name}”.",
                                did_you_mean(name, [k for k in by_key if not k.endswith(".md")]) or "Ghi slug của bài, hoặc đường dẫn tới tệp .md."))
    return found.teaser if found else None


def others(entry: Entry, chains: Chains) -> tuple[Teaser, ...]:
    """Return "Các tin khác": the articles just before this one in its section."""
    return tuple(e.teaser for e in chains.newest_first(chains.around(entry, chains.section(entry))))
