"""Split a source text into front matter (YAML or TOML) and body, keeping line numbers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from ..problems import Problem

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml is slower but still correct
    _Base = yaml.SafeLoader


class YamlLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe YAML that keeps every unquoted value as the text written, but true, false and empty.

    YAML 1.1 would read `title: 0123` as 83, `12:30:45` as 45045, `1.50` as 1.5, `No` as false
    and dates as dates: an editor's words rewritten in silence. No field of an article is a
    number, so nothing is lost by reading them all as text; bantin reads dates itself.
    """


BOOL = "tag:yaml.org,2002:bool"
AS_TEXT = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp", BOOL}
YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in AS_TEXT]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
YamlLoader.add_implicit_resolver(BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
MAX_NESTING = 64  # brackets or indentation levels; the C parser overflows its stack on thousands
FENCES = {"---": "yaml", "+++": "toml"}
MAX_DEPTH = 16
FENCE_HINT = "Dòng đầu tiên phải là ---, tiếp theo là các dòng title: ... và date: ..., rồi một dòng --- để đóng lại."
YAML_HINT = "Mỗi dòng có dạng tên: giá trị; nếu giá trị có ký tự đặc biệt, đặt cả giá trị trong ngoặc kép."
TOML_HINT = 'Mỗi dòng có dạng khoá = "giá trị"; chữ và ngày kiểu 30/12/2014 phải đặt trong ngoặc kép.'
DEEP = ("Phần thông tin lồng nhau quá nhiều tầng.", "Mỗi trường chỉ cần một giá trị hoặc một danh sách.")
KEY_PATTERNS = {  # a top-level `key:` (YAML) or `key =` (TOML) line
    "yaml": re.compile(r"^[\"']?([^\s\"':#\[][^:\"']*?)[\"']?\s*:(?:\s|$)"),
    "toml": re.compile(r"^[\"']?([^\s\"'=#\[][^=\"']*?)[\"']?\s*="),
}
KEY_VALUE = re.compile(r"^([^\s:#][^:]*?):\s+(.+)$")

# (words in PyYAML's message, report the line where the construct began?, reason, hint), first match wins.
YAML_DIAGNOSES: list[tuple[tuple[str, ...], bool, str, str]] = [
    (("tab",), False, "có ký tự Tab", "Thay Tab bằng dấu cách."),
    (("quoted scalar",), True, "dấu ngoặc kép mở nhưng chưa đóng", "Thêm dấu ngoặc đóng ở cuối giá trị, trên cùng dòng đó."),
    (("flow sequence",), True, "danh sách mở bằng “[” nhưng chưa đóng bằng “]”",
     "Thêm “]” vào cuối danh sách, ví dụ: directives: [Chỉ thị 05-CT/TW, Kết luận 01-KL/TW]"),
    (("flow mapping",), True, "dấu “{” mở nhưng chưa đóng bằng “}”",
     "Thêm “}” ở cuối, hoặc đặt cả giá trị trong ngoặc kép nếu “{” là một phần của chữ."),
    (("simple key", "expected ':'"), True, "dòng này thiếu dấu hai chấm (:) sau tên trường",
     "Viết tên trường, dấu hai chấm, dấu cách rồi giá trị, ví dụ: author: Thành Nhân"),
    (("mapping values are not allowed",), False, "có dấu hai chấm (:) ở chỗ không được phép", "quote"),
    (("cannot start any token", "undefined alias", "constructor for the tag", "block scalar", "anchor", "a tag",
      "directive"), False, "giá trị bắt đầu bằng một ký tự đặc biệt", "quote"),
    (("block mapping", "block end", "expected key"), False, "dòng này không có dạng tên: giá trị",
     "Mỗi trường viết trên một dòng, sát lề trái, dạng tên: giá trị; nếu giá trị có ngoặc kép ở giữa, đặt cả giá trị trong ngoặc đơn."),
]
TOML_REASONS = {
    "Expected newline or end of document": "sau giá trị còn ký tự thừa",
    "Invalid value": "giá trị không hợp lệ",
    "Illegal character": "dấu ngoặc kép mở nhưng chưa đóng",
    "Unterminated string": "dấu ngoặc kép mở nhưng chưa đóng",
    "Expected '=' after a key": "thiếu dấu = sau tên trường",
    "Unclosed array": "danh sách mở bằng “[” nhưng chưa đóng bằng “]”",
    "Unclosed inline table": "dấu “{” mở nhưng chưa đóng bằng “}”",
    "Invalid date or datetime": "ngày không có thật hoặc viết sai",
}


# An unquoted YAML value with " #" in it: YAML reads the rest of the line as a comment. Flagged when
# the "#" is followed by a letter or digit ("anh #1.png"), which reads as part of the value, not a note.
CUT_AT_HASH = re.compile(r"""^([A-Za-z_][\w-]*):[ \t]+(?!["'\[{|>&*!%@`])([^#\n]*?\S)[ \t]+#(\w.*)$""")


@dataclass(frozen=True)
class FrontMatter:
    """The parsed fields, where each key was written, and the body after them."""

    fields: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int
    end_line: int
    cut: tuple[tuple[str, int, str, str], ...] = ()  # YAML values cut short at " #": key, line, what was kept, what was dropped


class FrontMatterError(Exception):
    """The front matter cannot be read at all."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.format())


def split(text: str, path: str) -> FrontMatter:
    """Separate and parse the front matter of `text`; raise FrontMatterError if unreadable."""
    fail = lambda line, message, hint: FrontMatterError(Problem(path, line, message, hint))  # noqa: E731
    if not text.strip():
        raise fail(1, "Tệp rỗng.", "Viết phần thông tin (title, date) giữa hai dòng --- ở đầu tệp, hoặc xoá tệp này.")
    lines = text.split("\n")
    fence = lines[0].strip()
    if fence not in FENCES:
        raise fail(1, "Thiếu phần thông tin (front matter) ở đầu tệp.", fence_hint(lines))
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == fence), None)
    if closing is None:
        raise fail(1, f"Phần thông tin mở bằng {fence} nhưng không có dòng {fence} đóng lại.",
                   f"Thêm một dòng chỉ có {fence} sau trường cuối cùng, trước nội dung bài.")
    kind, head = FENCES[fence], lines[1:closing]
    keys = top_level(head, kind)
    if twice := repeated_key(keys):
        key, first, second = twice
        raise fail(second, f"Trường “{key}” được viết hai lần (dòng {first} và dòng {second}).", "Xoá một trong hai dòng.")
    fields = parse_fields(head, kind, path)
    cut = tuple((m[1], number, m[2], m[3]) for number, line in enumerate(head, start=2)
                if kind == "yaml" and (m := CUT_AT_HASH.match(line)))
    return FrontMatter(fields, key_lines(keys), "\n".join(lines[closing + 1:]), closing + 2, closing + 1, cut)


def fence_hint(lines: list[str]) -> str:
    """Explain how to start the front matter, noticing blank lines above a real fence."""
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if first and lines[first].strip() in FENCES:
        return f"Xoá các dòng trống phía trên dòng {lines[first].strip()} ở dòng {first + 1}: {lines[first].strip()} phải là dòng đầu tiên của tệp."
    return FENCE_HINT


def parse_fields(head: list[str], kind: str, path: str) -> dict[str, Any]:
    """Parse YAML or TOML front matter (the lines between the fences) into a mapping."""
    raw = "\n".join(head)
    if too_deep(head):
        raise FrontMatterError(Problem(path, 2, DEEP[0], DEEP[1]))
    try:
        data = tomllib.loads(raw) if kind == "toml" else yaml.load(raw, Loader=YamlLoader)
    except yaml.YAMLError as error:
        line, reason, hint = diagnose_yaml(error, head)
        raise FrontMatterError(Problem(path, line, f"Phần thông tin (YAML) viết sai: {reason}.", hint)) from None
    except tomllib.TOMLDecodeError as error:
        line, reason = diagnose_toml(error, head)
        raise FrontMatterError(Problem(path, line, f"Phần thông tin (TOML) viết sai: {reason}.", TOML_HINT)) from None
    except RecursionError:
        raise FrontMatterError(Problem(path, 2, DEEP[0], DEEP[1])) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(Problem(path, 2, "Phần thông tin phải là các dòng tên: giá trị.", FENCE_HINT))
    if problem := shape_problem(data, head, path):
        raise FrontMatterError(problem)
    return data


def too_deep(head: list[str]) -> bool:
    """Tell cheaply whether front matter nests deeper than any editor writes (before a parser recurses into it)."""
    if max((len(line) - len(line.lstrip(" -")) for line in head), default=0) > MAX_NESTING:
        return True
    text = "\n".join(head)
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return False  # too few brackets to nest deeper, however they are placed
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest > MAX_NESTING


def diagnose_yaml(error: yaml.YAMLError, head: list[str]) -> tuple[int, str, str]:
    """Turn a PyYAML error into a file line, a reason and a hint in plain Vietnamese."""
    said = f"{getattr(error, 'context', None) or ''} {getattr(error, 'problem', None) or ''}"
    problem_mark, context_mark = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    for words, at_start, reason, hint in YAML_DIAGNOSES:
        if any(word in said for word in words):
            mark = context_mark if at_start and context_mark else problem_mark
            line = file_line(mark.line if mark else 0, head)
            text = head[line - 2] if line - 2 < len(head) else ""
            if hint == "quote" and text[:1].isspace() and reason.startswith("có dấu hai chấm"):
                return line, "dòng này bị thụt vào", "Xoá dấu cách ở đầu dòng: các trường phải viết sát lề trái."
            return line, reason, quote_hint(text) if hint == "quote" else hint
    return file_line(problem_mark.line if problem_mark else 0, head), str(getattr(error, "problem", None) or error), YAML_HINT


def quote_hint(text: str) -> str:
    """Show the editor's own line with its value in quotes."""
    match = KEY_VALUE.match(text.strip())
    if not match:
        return 'Đặt cả giá trị trong ngoặc kép, ví dụ: title: "Hội nghị: quán triệt"'
    key, value = match.group(1), match.group(2).strip()
    quoted = f'"{value}"' if '"' not in value else f"'{value}'"
    return f"Đặt cả giá trị trong ngoặc kép: {key}: {quoted}"


def diagnose_toml(error: tomllib.TOMLDecodeError, head: list[str]) -> tuple[int, str]:
    """Turn a tomllib error into a file line and a reason in plain Vietnamese."""
    message = str(error)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    line = file_line(int(found.group(1)) - 1 if found else len(head) - 1, head)
    original = re.sub(r"\s*\(at [^)]*\)$", "", message)
    reason = next((vi for en, vi in TOML_REASONS.items() if original.startswith(en)), original)
    return line, reason


def file_line(index: int, head: list[str]) -> int:
    """Map a 0-based line inside the front matter to the file's line (the opening fence is line 1)."""
    return min(max(index, 0), max(len(head) - 1, 0)) + 2


def shape_problem(data: dict[str, Any], head: list[str], path: str) -> Problem | None:
    """Refuse YAML references (&name, *name) and deep nesting, which no editor needs and which can explode in size."""
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if id(value) in seen:
            line = next((n for n, text in enumerate(head, start=2) if re.search(r"(^|[\s\[{,:])\*\S", text)), 2)
            return Problem(path, line, "Phần thông tin dùng tham chiếu YAML (*tên), bantin không hỗ trợ.",
                           "Viết đầy đủ giá trị thay cho *tên và bỏ &tên.")
        if depth > MAX_DEPTH:
            return Problem(path, 2, *DEEP)
        seen.add(id(value))
        stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return None


def top_level(head: list[str], kind: str) -> list[tuple[str, int]]:
    """List (key, file line) for every top-level key, stopping at TOML's first [table]."""
    pattern, found = KEY_PATTERNS[kind], []
    for number, line in enumerate(head, start=2):
        if kind == "toml" and line.lstrip().startswith("["):
            break
        if match := pattern.match(line):
            found.append((match.group(1).strip(), number))
    return found


def key_lines(keys: list[tuple[str, int]]) -> dict[str, int]:
    """Map each top-level key (from top_level) to the line number where it is first written."""
    found: dict[str, int] = {}
    for key, number in keys:
        found.setdefault(key, number)
    return found


def repeated_key(keys: list[tuple[str, int]]) -> tuple[str, int, int] | None:
    """Find the first key (from top_level) written twice: (key, first line, second line)."""
    first: dict[str, int] = {}
    for key, number in keys:
        if key in first:
            return key, first[key], number
        first[key] = number
    return None
