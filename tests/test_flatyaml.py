"""Flat front matter (bantin/flatyaml.py) reads exactly as PyYAML reads it, or is left to PyYAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bantin.flatyaml import flat_fields
from bantin.frontmatter import FLAT, YamlLoader, split

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["title", "date", "Tác_giả", "_x", "x1", "on", "yes", "No", "null", "true", "y", "1", "a b", "<<", "="]
WORDS = ["Chỉ thị", "05-CT/TW", "Bác Hồ", "đảng viên", "1", "12", "0x1F", "1_000", "1:30", "17:53", "07/07/2011", "2024-03-05",
         "1.5", "1e3", ".5", ".inf", "yes", "No", "ON", "off", "y", "n", "true", "FALSE", "null", "Null", "~", "=", "<<",
         "a", "Ông A", "x", "é", "²", "١", "ﬁ"]
MARKS = [" ", "  ", ":", ": ", " #", "#", ",", ", ", ";", "!", "?", "&", "*", "%", "@", "`", "|", ">", "-", "- ", "+",
         "'", '"', "\\", "[", "]", "{", "}", "“", "”", "–", "…", "(", ")", "/", ".", "\t", "\u00a0", "\x85", "\ufeff"]

word_or_mark = st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKS))
text = st.lists(word_or_mark, max_size=6).map("".join)
quoted = st.builds(lambda quote, inner: quote + inner + quote, st.sampled_from(['"', "'"]), text)
item = st.one_of(text, quoted)
flow = st.builds(lambda items, joiner, spaces: "[" + spaces + joiner.join(items) + spaces + "]",
                 st.lists(item, max_size=4), st.sampled_from([", ", ",", " , ", ",  "]), st.sampled_from(["", " "]))
value = st.one_of(text, quoted, flow, st.builds(lambda a, b: a + b, st.one_of(quoted, flow), st.sampled_from(MARKS + ["", "  "])))
line = st.builds(lambda key, colon, written: key + colon + written, st.sampled_from(KEYS),
                 st.sampled_from([": ", ":  ", ":", " : ", ":\t"]), value)
head = st.lists(st.one_of(line, line, line, st.sampled_from(["", " ", "# ghi chú", "  - a", "---", "- x"])), min_size=1, max_size=6)


def yaml_reading(lines: list[str]) -> str:
    """Return PyYAML's reading as a repr (so True and "True" differ), or the error it raises."""
    try:
        return repr(yaml.load("\n".join(lines), Loader=YamlLoader))
    except yaml.YAMLError as error:
        return f"error: {type(error).__name__}"


@settings(max_examples=4000, deadline=None)
@given(head)
@example(["title: Chỉ thị 05-CT/TW", 'author: "Đỗ Minh An"', "directives: [Chỉ thị 03-CT/TW, 'Kết luận 01-KL/TW']"])
@example(["date: 07/07/2011 17:53", "time: 17:53"])
@example(["featured: yes"])
@example(["title: a #b"])
@example(['title: "a" b'])
@example(["title: [a, ]"])
@example(["on: x"])
@example(["title: 'it''s'"])
@example(['title: "a"b"'])
@example(['title: "a\x85b"'])
@example(['title: "a\u2028b"'])
def test_same_reading_as_pyyaml(lines: list[str]) -> None:
    """Whatever flat_fields accepts, PyYAML reads the same way, types included; the rest it declines."""
    flat = flat_fields(lines, FLAT)
    if flat is not None:
        assert repr(flat) == yaml_reading(lines)


def test_typical_front_matter_takes_the_flat_way() -> None:
    """A quoted title, a date, a section, a list of directives, a slug: no PyYAML needed."""
    lines = ['title: "Hội nghị: quán triệt Chỉ thị 05"', "date: 07/07/2011 17:53", "section: xay-dung-dang",
             'directives: ["Chỉ thị 03-CT/TW", Kết luận 01-KL/TW]', "author: Đỗ Minh An", "summary: Học tập; làm theo “Bác”…",
             "slug: hoi-nghi-quan-triet"]
    assert flat_fields(lines, FLAT) == {
        "title": "Hội nghị: quán triệt Chỉ thị 05", "date": "07/07/2011 17:53", "section": "xay-dung-dang",
        "directives": ["Chỉ thị 03-CT/TW", "Kết luận 01-KL/TW"], "author": "Đỗ Minh An", "summary": "Học tập; làm theo “Bác”…",
        "slug": "hoi-nghi-quan-triet"}


@pytest.mark.parametrize("lines", [["featured: true"], ["tags:", "  - a"], ["title: 1990"], ["title: a # ghi chú"],
                                   ['title: "a \\" b"'], ["related: [a, [b]]"], ["title:"], ["# ghi chú", "title: a"]])
def test_anything_else_is_left_to_pyyaml(lines: list[str]) -> None:
    """Booleans, numbers, block lists, comments, escapes, nesting and empty values go to PyYAML."""
    assert flat_fields(lines, FLAT) is None


def test_every_front_matter_in_the_repository_reads_the_same() -> None:
    """The sample bulletin's files and the golden site's: both readings agree wherever the flat one answers."""
    files = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "tests" / "golden").rglob("*.md"))
    flat_count = 0
    for file in files:
        lines = file.read_text(encoding="utf-8").split("\n")
        if lines[0] != "---":
            continue
        head = lines[1:lines.index("---", 1)]
        flat = flat_fields(head, FLAT)
        flat_count += flat is not None
        assert flat is None or repr(flat) == yaml_reading(head), file
        assert split("\n".join(lines), file.name).fields == yaml.load("\n".join(head), Loader=YamlLoader)
    assert flat_count > len(files) // 2
