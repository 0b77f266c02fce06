"""Read source bytes into clean text: UTF-8 (BOM allowed), NFC, no stray control characters."""

from __future__ import annotations

import re
import unicodedata

from .problems import Problem

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONVERT_HINT = ("Tệp không phải UTF-8 (có thể là Windows-1258 hoặc TCVN3). Mở bằng trình soạn thảo và "
                "“Lưu với mã UTF-8”, hoặc chạy: iconv -f WINDOWS-1258 -t UTF-8 tep.md -o tep-moi.md")


def decode(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode source bytes to NFC text, reporting bad encodings and control characters."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", [Problem(path, line, "Tệp không được mã hoá UTF-8.", CONVERT_HINT)]
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text, control_problems(text, path)


def control_problems(text: str, path: str) -> list[Problem]:
    """Report invisible control characters, which usually come from pasting out of Word."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if match := CONTROL.search(line):
            code = f"U+{ord(match.group()):04X}"
            problems.append(Problem(path, number, f"Có ký tự điều khiển vô hình {code} ở cột {match.start() + 1}.",
                                    "Ký tự này thường lẫn vào khi dán từ Word: xoá nó, hoặc gõ lại đoạn văn đó."))
    return problems
