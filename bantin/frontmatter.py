"""Split a source text into front matter (YAML or TOML) and body, keeping line numbers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Problem

try:
    YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml is slower but still correct
    YamlLoader = yaml.SafeLoader

FENCES = {"---": "yaml", "+++": "toml"}
SAMPLE = "---\ntitle: Tiêu đề bài viết\ndate: 30/12/2014 07:42\n---"


@dataclass(frozen=True)
class FrontMatter:
    """The parsed fields, where each key was written, and the body after them."""

    fields: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int
    end_line: int


class FrontMatterError(Exception):
    """The front matter cannot be read at all."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.format())


def split(text: str, path: str) -> FrontMatter:
    """Separate and parse the front matter of `text`; raise FrontMatterError if unreadable."""
    if not text.strip():
        raise FrontMatterError(Problem(path, 1, "Tệp rỗng.", f"Bắt đầu tệp bằng phần thông tin, ví dụ:\n{SAMPLE}"))
    lines = text.split("\n")
    fence = lines[0].strip()
    if fence not in FENCES:
        raise FrontMatterError(Problem(path, 1, "Thiếu phần thông tin (front matter) ở đầu tệp.",
                                       f"Dòng đầu tiên phải là --- ; ví dụ:\n{SAMPLE}"))
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() == fence), None)
    if closing is None:
        raise FrontMatterError(Problem(path, 1, f"Phần thông tin mở bằng {fence} nhưng không có dòng {fence} đóng lại.",
                                       f"Thêm một dòng chỉ có {fence} sau trường cuối cùng."))
    raw = "\n".join(lines[1:closing])
    fields = parse_fields(raw, FENCES[fence], path)
    return FrontMatter(fields, key_lines(lines[1:closing], FENCES[fence]), "\n".join(lines[closing + 1:]),
                       closing + 2, closing + 1)


def parse_fields(raw: str, kind: str, path: str) -> dict[str, Any]:
    """Parse YAML or TOML front matter into a mapping."""
    try:
        data = tomllib.loads(raw) if kind == "toml" else yaml.load(raw, Loader=YamlLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(Problem(path, line, f"Phần thông tin (YAML) viết sai: {reason}.",
                                       "Mỗi dòng phải có dạng khoá: giá trị; nếu giá trị có dấu hai chấm, đặt nó trong ngoặc kép.")) from None
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found.group(1)) + 1 if found else 1
        raise FrontMatterError(Problem(path, line, f"Phần thông tin (TOML) viết sai: {error}.",
                                       'Mỗi dòng phải có dạng khoá = "giá trị".')) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(Problem(path, 2, "Phần thông tin phải là các dòng khoá: giá trị.", f"Ví dụ:\n{SAMPLE}"))
    return data


def key_lines(lines: list[str], kind: str) -> dict[str, int]:
    """Map each top-level key to its line number in the file."""
    separator = "=" if kind == "toml" else ":"
    pattern = re.compile(rf"^[\"']?([^\s\"'{separator}#][^{separator}\"']*?)[\"']?\s*{separator}")
    found: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        if match := pattern.match(line):
            found.setdefault(match.group(1).strip(), number)
    return found
