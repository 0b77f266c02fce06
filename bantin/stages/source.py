"""Read source bytes into clean text: UTF-8 (BOM allowed), NFC, no stray control characters."""

from __future__ import annotations

import posixpath
import re
import unicodedata

from ..problems import Problem

# C0 and C1 controls except tab and newline, plus the Unicode line and paragraph separators:
# YAML counts those as line breaks and Python does not, so they would also shift line numbers.
# And the noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF): XML cannot carry them, so one would break every feed.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SAVE_AS_UTF8 = "Mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8, hoặc chạy: "
CONTROL_HINT = "Ký tự này thường lẫn vào khi dán từ Word: xoá nó, hoặc gõ lại đoạn văn đó."


def decode(data: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode source bytes to NFC text, reporting wrong encodings, binary data and control characters."""
    if problem := binary_problem(data, path):
        return "", [problem]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return "", [not_utf8(error, path)]
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text, control_problems(text, path)


def binary_problem(data: bytes, path: str) -> Problem | None:
    """Explain why bytes are UTF-16 or binary rather than text, or return None."""
    if data.startswith(UTF16_BOMS):
        return Problem(path, 1, "Tệp được lưu bằng mã UTF-16, không phải UTF-8.", convert_hint("UTF-16", posixpath.basename(path)))
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        return Problem(path, line, "Tệp này không phải văn bản (có byte NUL): có lẽ là ảnh hay tệp Word bị đặt đuôi .md.",
                       "Xoá tệp này, hoặc chép nội dung sang một tệp .md lưu bằng mã UTF-8.")
    return None


def not_utf8(error: UnicodeDecodeError, path: str) -> Problem:
    """Explain, at the line of the first bad byte, that a file is not saved as UTF-8."""
    line = bytes(error.object).count(b"\n", 0, error.start) + 1  # the bytes after any BOM, where error.start counts
    return Problem(path, line, "Tệp không được lưu bằng mã UTF-8 (có lẽ là Windows-1258 hoặc TCVN3).",
                   convert_hint("WINDOWS-1258", posixpath.basename(path)))


def convert_hint(encoding: str, name: str) -> str:
    """Tell an editor how to re-save a file as UTF-8."""
    stem, extension = posixpath.splitext(name)
    return f"{SAVE_AS_UTF8}iconv -f {encoding} -t UTF-8 {name} -o {stem}.utf8{extension} rồi thay tệp cũ bằng tệp mới."


def control_problems(text: str, path: str) -> list[Problem]:
    """Report invisible control characters, which usually come from pasting out of Word."""
    if not CONTROL.search(text):
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if match := CONTROL.search(line):
            code = f"U+{ord(match.group()):04X}"
            what = "ký tự không hợp lệ" if match.group() >= "\ufdd0" else "ký tự điều khiển vô hình"
            problems.append(Problem(path, number, f"Có {what} {code} ở cột {match.start() + 1}.", CONTROL_HINT))
    return problems
