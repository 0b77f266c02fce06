"""Problems found in the input: each names a file, a line, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = "error"

    def format(self) -> str:
        """Render as `path:line: message (hint)` for editors and tools."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.severity == "error" else "cảnh báo: "
        text = f"{where}: {label}{self.message}"
        return f"{text}\n    → {self.hint}" if self.hint else text


class BuildError(Exception):
    """The build stopped; `problems` lists every reason found before stopping."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(p.format() for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str], prefix: str = "Có phải ý bạn là") -> str:
    """Suggest the closest known names to `word`, or list them all when none is close."""
    options = sorted(set(choices))
    close = get_close_matches(word, options, n=3, cutoff=0.5)
    if close and SequenceMatcher(None, word, close[0]).ratio() >= 0.85:
        close = close[:1]  # one near-certain match says more than a list
    if close:
        return f"{prefix}: " + ", ".join(f"“{c}”" for c in close) + "?"
    if not options:
        return ""
    shown = ", ".join(f"“{c}”" for c in options[:12])
    return f"Các giá trị hợp lệ: {shown}" + (" …" if len(options) > 12 else "")


def errors_only(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Keep the problems that stop a build, dropping warnings."""
    return tuple(p for p in problems if p.severity == "error")
