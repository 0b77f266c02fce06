"""The register of directives: load it, and resolve the names editors use for them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from .config import REQUIRED, KeyLines, check_table, parse_toml
from ..problems import BuildError, Problem, did_you_mean
from .slugs import slugify
from .source import decode

KINDS = ("Chỉ thị", "Nghị quyết", "Kết luận", "Quy định", "Quyết định", "Hướng dẫn")
SCHEMA: dict[str, tuple[type, Any]] = {
    "kind": (str, REQUIRED), "number": (str, REQUIRED), "issuer": (str, REQUIRED), "date": (date, REQUIRED),
    "title": (str, REQUIRED), "summary": (str, ""), "aliases": (list, []),
}
PATH = "content/directives.toml"


@dataclass(frozen=True)
class Directive:
    """One Party document that articles implement, such as Chỉ thị 05-CT/TW."""

    kind: str
    number: str
    issuer: str
    issued: date
    title: str
    summary: str
    aliases: tuple[str, ...]

    @property
    def name(self) -> str:
        """Return the canonical name, "Chỉ thị 05-CT/TW"."""
        return f"{self.kind} {self.number}"

    @cached_property
    def url(self) -> str:
        """Return the site-relative URL; the year keeps numbers of different terms apart (worked out once per directive)."""
        return f"/van-ban/{self.issued.year}/{slugify(self.name)}/"


@dataclass(frozen=True)
class Register:
    """Every known directive, in date order, with an index of every name it goes by."""

    directives: tuple[Directive, ...]
    names: tuple[tuple[str, Directive], ...]

    def find(self, name: str) -> Directive | None:
        """Resolve a canonical name or alias, ignoring case and spacing."""
        return self.index.get(fold(name))

    @cached_property
    def index(self) -> dict[str, Directive]:
        """Map every folded name to its directive (made once: every article looks up its directives)."""
        return dict(self.names)

    def suggest(self, name: str) -> str:
        """Name the closest known directives."""
        return did_you_mean(name, [d.name for d in self.directives], "Các văn bản gần nhất")


def fold(name: str) -> str:
    """Normalise a directive name for lookup."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def load_register(data: bytes | None) -> Register:
    """Parse the register file (missing means empty); raise BuildError listing every problem."""
    if data is None:
        return Register((), ())
    text, problems = decode(data, PATH)
    if problems:
        raise BuildError(problems)
    lines = KeyLines(text)
    raw = parse_toml(text, PATH)
    found: list[Problem] = []
    extra = [k for k in raw if k != "directive"]
    found += [Problem(PATH, lines.of(k), f"Khoá không hợp lệ “{k}”.", "Mỗi văn bản là một bảng [[directive]].") for k in extra]
    entries = raw.get("directive", [])
    checked = [check_table(e, SCHEMA, "directive", lines.table("directive", i), lines, found, PATH) for i, e in enumerate(entries)]
    complete = [(i, c) for i, c in enumerate(checked) if all(key in c for key, (_, default) in SCHEMA.items() if default is REQUIRED)]
    directives = tuple(sorted((make(c, lines.table("directive", i), lines, found) for i, c in complete), key=lambda d: (d.issued, d.name)))
    register = Register(directives, index_names(directives, lines, found))
    if found:
        raise RegisterError(found, register)
    return register


class RegisterError(BuildError):
    """The register has problems; `register` holds the directives that could be read, to avoid knock-on errors."""

    def __init__(self, problems: list[Problem], register: Register) -> None:
        super().__init__(problems)
        self.register = register


def make(entry: dict[str, Any], line: int, lines: KeyLines, problems: list[Problem]) -> Directive:
    """Build one Directive from a checked table."""
    if entry["kind"] not in KINDS:
        problems.append(Problem(PATH, lines.of("kind", line), f"Loại văn bản không hợp lệ “{entry['kind']}”.", did_you_mean(entry["kind"], KINDS)))
    aliases = tuple(str(a) for a in entry.get("aliases", []))
    return Directive(entry["kind"], entry["number"], entry["issuer"], entry["date"], entry["title"], entry["summary"], aliases)


def index_names(directives: tuple[Directive, ...], lines: KeyLines, problems: list[Problem]) -> tuple[tuple[str, Directive], ...]:
    """Index every name and alias, refusing one that points at two directives."""
    index: dict[str, Directive] = {}
    for directive in directives:
        for name in (directive.name, f"{directive.name} ({directive.issued.year})", *directive.aliases):
            key = fold(name)
            if index.setdefault(key, directive) is not directive:
                problems.append(Problem(PATH, lines.of("aliases") or 1, f"Tên “{name}” dùng cho hai văn bản: {index[key].name} và {directive.name}.",
                                        "Mỗi tên gọi khác (alias) chỉ được trỏ tới một văn bản; hãy ghi rõ số và năm."))
    return tuple(index.items())
