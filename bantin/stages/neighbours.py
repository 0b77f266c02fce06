"""Stage 4b: "Tin liên quan" (related) and "Các tin khác" (others) for every entry.

An entry's related items are the ones its front matter names, then the nearest articles that
share one of its directives; its others are the nearest articles of its section. "Nearest"
means the NEIGHBOURS entries just older in the group (the oldest few also see newer ones).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Hashable, Iterable

from ..problems import Problem, did_you_mean
from .model import Entry, Teaser, has_own_error

NEIGHBOURS = 5


class Chains:
    """Entries grouped by directive and by section, each group oldest first, with each entry's place in it."""

    def __init__(self, entries: list[Entry]) -> None:
        self.rank = {e.article.path: index for index, e in enumerate(entries)}
        self.groups: dict[Hashable, list[Entry]] = {}
        for entry in reversed(entries):
            for key in (*(("directive", d) for d in entry.directives), ("section", entry.section)):
                self.groups.setdefault(key, []).append(entry)
        self.places = {key: {e.article.path: i for i, e in enumerate(group)} for key, group in self.groups.items()}

    def around(self, entry: Entry, key: Hashable) -> list[Entry]:
        """Return the entries just older than `entry` in a group, then just newer ones."""
        group = self.groups[key]
        index = self.places[key][entry.article.path]
        older = group[max(0, index - NEIGHBOURS):index]
        return older + group[index + 1:index + 1 + NEIGHBOURS - len(older)]

    def newest_first(self, entries: Iterable[Entry]) -> list[Entry]:
        """Sort entries as the site lists them."""
        return sorted(entries, key=lambda e: self.rank[e.article.path])


def link_neighbours(entries: list[Entry], problems: list[Problem], broken: frozenset[str] = frozenset()) -> list[Entry]:
    """Fill in "Tin liên quan" and "Các tin khác" for every entry (`broken`: files whose own errors explain their absence)."""
    chains = Chains(entries)
    by_key = {e.article.slug: e for e in entries} | {e.article.path: e for e in entries}  # a later slug wins, as always
    return [replace(entry, related=related(entry, by_key, chains, problems, broken), others=others(entry, chains)) for entry in entries]


def related(entry: Entry, by_key: dict[str, Entry], chains: Chains, problems: list[Problem],
            broken: frozenset[str] = frozenset()) -> tuple[Teaser, ...]:
    """Explicit related items first, then the nearest articles that share a directive."""
    chosen = [t for name in entry.article.related if (t := explicit(entry, name, by_key, problems, broken))]
    nearby = {n.article.path: n for d in entry.directives for n in chains.around(entry, ("directive", d))}
    for neighbour in chains.newest_first(nearby.values()):
        if len(chosen) >= NEIGHBOURS:
            break
        if neighbour.teaser not in chosen:
            chosen.append(neighbour.teaser)
    return tuple(chosen)


def explicit(entry: Entry, name: str, by_key: dict[str, Entry], problems: list[Problem],
             broken: frozenset[str] = frozenset()) -> Teaser | None:
    """Resolve one `related` item by slug or by path relative to the article."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(entry.article.path), name))
    found = by_key.get(path) or by_key.get(name)
    if found is None and not has_own_error(path, broken):
        problems.append(Problem(f"content/{entry.article.path}", entry.article.line_of("related"),
                                f"Không tìm thấy bài liên quan “{name}”.",
                                did_you_mean(name, [k for k in by_key if not k.endswith(".md")]) or "Ghi slug của bài, hoặc đường dẫn tới tệp .md."))
    return found.teaser if found else None


def others(entry: Entry, chains: Chains) -> tuple[Teaser, ...]:
    """Return "Các tin khác": the articles just before this one in its section."""
    return tuple(e.teaser for e in chains.newest_first(chains.around(entry, ("section", entry.section))))
