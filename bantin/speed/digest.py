"""Stable digests of the site model: equal values give equal digests, in every process and every run.

An output's digest stands for everything its maker can see through it, so an output whose
digest (and theme, and configuration) is unchanged is made to the same bytes as last time.
Anything of a type this module does not know makes `digest` raise TypeError: the caller then
makes every output, which is slower but never wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

SIZE = 16
MISSING = object()


class Digester:
    """Digest values of the site model, remembering the digest of every object it has seen."""

    def __init__(self, by: dict[type, tuple[str, ...]] | None = None, kept: tuple[type, ...] | None = None) -> None:
        self.by = by or {}  # the fields that stand for a whole record of these types
        self.kept = kept  # remember only records of these types (None: all), so memory does not grow with the site
        self.seen: dict[int, tuple[Any, bytes]] = {}
        self.layouts: dict[type, Any] = {}

    def digest(self, value: Any) -> bytes:
        """Return the digest of any model value."""
        parts: list[bytes] = []
        self.encode(value, parts)
        return hashlib.blake2b(b"".join(parts), digest_size=SIZE).digest()

    def encode(self, value: Any, parts: list[bytes]) -> None:
        """Append an unambiguous encoding of a value (a dataclass by its digest) to `parts`."""
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            parts.append(b"s%d:" % len(data))
            parts.append(data)
        elif kind is tuple or kind is list:
            parts.append(b"t%d:" % len(value))
            for item in value:
                self.encode(item, parts)
        elif value is None or kind is bool or kind is int or kind is float:
            parts.append(f"{kind.__name__}:{value!r};".encode())
        else:
            layout = self.layouts.get(kind, MISSING)
            if layout is MISSING:
                layout = self.layouts[kind] = layout_of(kind, self.by)
            parts.append(self.record(value, layout) if layout is not None else self.other(value))

    def record(self, value: Any, layout: tuple[bytes, tuple[str, ...]]) -> bytes:
        """Digest a dataclass instance once, however many times it appears."""
        remembered = self.seen.get(id(value))
        if remembered is not None and remembered[0] is value:
            return remembered[1]
        parts = [layout[0]]
        for field in layout[1]:
            self.encode(getattr(value, field), parts)
        result = hashlib.blake2b(b"".join(parts), digest_size=SIZE).digest()
        if self.kept is None or isinstance(value, self.kept):
            self.seen[id(value)] = (value, result)
        return result

    def other(self, value: Any) -> bytes:
        """Digest dates, paths and mappings (remembering each object's); refuse anything else."""
        remembered = self.seen.get(id(value))
        if remembered is not None and remembered[0] is value:
            return remembered[1]
        if isinstance(value, datetime):
            result = f"dt:{value.isoformat()}|{value.tzinfo!r};".encode()
        elif isinstance(value, (date, time)):
            result = f"{type(value).__name__}:{value.isoformat()};".encode()
        elif isinstance(value, PurePath):
            result = self.digest(f"path:{value.as_posix()}")
        elif isinstance(value, dict):
            result = self.digest(("dict", list(value.items())))
        else:
            raise TypeError(f"cannot digest a {type(value).__name__}")
        self.seen[id(value)] = (value, result)
        return result


def layout_of(kind: type, by: dict[type, tuple[str, ...]]) -> tuple[bytes, tuple[str, ...]] | None:
    """Return a dataclass type's qualified name and the fields to digest, or None for any other type."""
    if not is_dataclass(kind):
        return None
    return f"{kind.__module__}.{kind.__qualname__}".encode(), by.get(kind) or tuple(f.name for f in fields(kind))
