"""Problems found in the input: each names a file, a line, what is wrong and how to fix it."""

from __future__ import annotations

import errno
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
    """Suggest the closest known names to `word`, or list them all when none is close and they are few."""
    options = sorted(set(choices))
    close = get_close_matches(word, options, n=3, cutoff=0.5)
    if close and SequenceMatcher(None, word, close[0]).ratio() >= 0.85:
        close = close[:1]  # one near-certain match says more than a list
    if close:
        return f"{prefix}: " + ", ".join(f"“{c}”" for c in close) + "?"
    if not options or len(options) > 12:
        return ""  # a long list helps no one: the caller's own hint says what to write
    return "Các giá trị hợp lệ: " + ", ".join(f"“{c}”" for c in options)


def errors_only(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Keep the problems that stop a build, dropping warnings."""
    return tuple(p for p in problems if p.severity == "error")


def environment_fault(error: OSError) -> str:
    """Say which file or folder the machine refused, and what to do about it (not the editor's input: the machine's)."""
    where = error.filename or "(không rõ tệp)"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        todo = "Cho phép ghi vào đó (chmod/chown, hoặc gắn lại ổ đĩa ở chế độ ghi), hoặc chọn thư mục khác bằng --output."
    elif error.errno in (errno.ENOSPC, errno.EDQUOT):
        todo = "Giải phóng chỗ trống trên ổ đĩa (hoặc hạn mức của bạn), rồi dựng lại."
    elif error.errno == errno.ENAMETOOLONG:
        todo = "Rút ngắn tên tệp hoặc slug (tên mỗi phần của đường dẫn tối đa 255 byte)."
    else:
        todo = "Kiểm tra tệp hoặc thư mục đó và ổ đĩa chứa nó, rồi dựng lại."
    return f"{where}: máy không cho thực hiện thao tác ({error.strerror or error}). Trang cũ (nếu có) được giữ nguyên.\n    → {todo}"
