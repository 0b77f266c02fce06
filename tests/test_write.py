"""The writer's check of output names, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from bantin.problems import BuildError
from bantin.stages.destination import MAX_NAME_BYTES, check_names

OUTPUT = Path("/du-an/public")
LONG = "a" * (MAX_NAME_BYTES - 3) + "ếế"  # 255 characters, 259 bytes


def problems_of(files: list[str], copies: list[str] = ()) -> list[str]:
    """Check names and return the problems found, as printed."""
    try:
        check_names(OUTPUT, dict.fromkeys(files, b""), dict.fromkeys(copies, OUTPUT.parent / "content/anh.jpg"))
    except BuildError as error:
        return [f"{p.path}: {p.message}" for p in error.problems]
    return []


def reference(files: list[str], copies: list[str]) -> list[str]:
    """Check every name against every other, the slow and obvious way."""
    names, found = set(files) | set(copies), []
    for name in sorted(names):
        parts = name.split("/")
        if name.startswith("/") or any(p in ("", ".", "..") or "\0" in p for p in parts):
            found.append(f"public/{name}: Đường dẫn xuất “{name}” không hợp lệ.")
        elif any(len(p.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for p in parts):
            found.append(f"public/{name}: Tên “{name}” quá dài cho hệ thống tệp.")
        elif folder := next(("/".join(parts[:i]) for i in range(1, len(parts)) if "/".join(parts[:i]) in names), None):
            found.append(f"public/{name}: “{name}” cần thư mục “{folder}”, nhưng “{folder}” đã là một tệp.")
        if name in files and name in copies:
            found.append(f"content/anh.jpg: Tệp này trùng tên với tệp bantin tự tạo “{name}”.")
    return found


def test_ordinary_names_pass() -> None:
    assert problems_of(["index.html", "tin-tuc/bai/index.html", "feed.xml", f"tin-tuc/{LONG[:200]}/index.html"],
                       ["static/bantin.css", "tin-tuc/bai/anh.jpg"]) == []


@pytest.mark.parametrize("name", ["", "/x.html", "a//b.html", "a/./b.html", "a/../../b.html", "a/", "..", "a/b\0.html"])
def test_names_that_would_leave_or_break_the_folder_are_refused(name: str) -> None:
    assert problems_of([name, "index.html"]) == [f"public/{name}: Đường dẫn xuất “{name}” không hợp lệ."]


def test_dots_inside_a_name_are_allowed() -> None:
    assert problems_of(["a/.../b.html", "a/..b/c.html", "a/b../c.html", ".well-known/x.txt"]) == []


def test_a_part_too_long_for_the_file_system_is_refused() -> None:
    name = f"tin-tuc/{LONG}/index.html"
    assert problems_of([name]) == [f"public/{name}: Tên “{name}” quá dài cho hệ thống tệp."]


def test_a_path_needed_as_both_file_and_folder_is_refused_once_per_name() -> None:
    assert problems_of(["robots.txt", "robots.txt/index.html", "robots.txt/a", "robots.txt/a/b.html"]) == [
        "public/robots.txt/a: “robots.txt/a” cần thư mục “robots.txt”, nhưng “robots.txt” đã là một tệp.",
        "public/robots.txt/a/b.html: “robots.txt/a/b.html” cần thư mục “robots.txt”, nhưng “robots.txt” đã là một tệp.",
        "public/robots.txt/index.html: “robots.txt/index.html” cần thư mục “robots.txt”, nhưng “robots.txt” đã là một tệp."]


def test_a_copied_file_over_a_generated_one_is_refused() -> None:
    assert problems_of(["robots.txt", "index.html"], ["robots.txt", "anh.jpg"]) == [
        "content/anh.jpg: Tệp này trùng tên với tệp bantin tự tạo “robots.txt”."]


PARTS = st.sampled_from(["a", "b", "ếch", ".", "..", "", "x.html", "a" * 130 + "ế" * 50])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PARTS, min_size=1, max_size=4).map("/".join), max_size=8),
       st.lists(st.lists(PARTS, min_size=1, max_size=3).map("/".join), max_size=4))
def test_the_check_finds_what_comparing_every_pair_finds(files: list[str], copies: list[str]) -> None:
    assert sorted(problems_of(files, copies)) == sorted(reference(files, copies))
