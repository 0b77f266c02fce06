"""The sample bulletin, broken as an editor breaks it: one mistake at a time, each gets one message naming the file,
the line and the fix, from `build` and `check` alike; an error keeps the old site byte for byte, and a warning builds."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from sitekit import REPO, run_build, snapshot
from test_bad_input import reported

GUIDE = "content/xay-dung-dang/2021-09-08-huong-dan-sinh-hoat-chi-bo-chuyen-de-theo-ket-luan-01.md"
NEWS = "content/tin-tuc-su-kien/2024-01-18-dang-bo-cac-co-quan-tinh-487-viec-lam-theo-bac.md"


def edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace the first `old` in a file of the site by `new` (the editor's slip)."""
    def apply(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{path} no longer contains {old!r}: update this test"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def remove(path: str) -> Callable[[Path], None]:
    """Delete a file of the site."""
    return lambda root: (root / path).unlink()


def write(path: str, text: str) -> Callable[[Path], None]:
    """Add a file to the site."""
    return lambda root: (root / path).write_text(text, encoding="utf-8")


def rename(path: str, new: str) -> Callable[[Path], None]:
    """Rename a file or folder of the site."""
    return lambda root: (root / path).rename(root / new)


@dataclass(frozen=True)
class Mistake:
    """One slip, and the one message (its first line, a part of its hint) it must give."""

    name: str
    make: Callable[[Path], None]
    message: str
    hint: str
    error: bool = True


MISTAKES = [
    Mistake("a directive written short", edit(GUIDE, "directives: [Kết luận 01-KL/TW,", "directives: [Kết luận 1,"),
            f"{GUIDE}:4: Văn bản chỉ đạo chưa có trong danh mục: “Kết luận 1”.", "“Kết luận 01-KL/TW”?"),
    Mistake("a thirteenth month", edit(GUIDE, 'date: "08/09/2021 07:55"', "date: 2021-13-01"),
            f"{GUIDE}:3: Trường “date”: ngày “2021-13-01” không có thật (kiểm tra ngày và tháng).", "30/12/2014 07:42"),
    Mistake("a photo's name in capitals", edit(NEWS, "anh-hoi-nghi-tong-ket-2023.jpg", "Anh-Hoi-Nghi-Tong-Ket-2023.JPG"),
            f"{NEWS}:9: Không tìm thấy ảnh “tin-tuc-su-kien/Anh-Hoi-Nghi-Tong-Ket-2023.JPG”.", "ghi đúng tên tệp"),
    Mistake("the register deleted", remove("content/directives.toml"),
            "content/directives.toml: Không có danh mục văn bản chỉ đạo, mà các bài viết có ghi văn bản chỉ đạo", "Khôi phục tệp"),
    Mistake("a tab for indenting", edit(GUIDE, "\n  - {file", "\n\t- {file"),
            f"{GUIDE}:7: Phần thông tin (YAML) viết sai: giá trị bắt đầu bằng một ký tự đặc biệt.", "ngoặc kép"),
    Mistake("a related article that is not there", edit(GUIDE, "\nsource: ", "\nrelated: [bai-khong-co]\nsource: "),
            f"{GUIDE}:5: Không tìm thấy bài liên quan “bai-khong-co”.", "Ghi slug của bài, hoặc đường dẫn tới tệp .md."),
    Mistake("an attachment deleted", remove("content/xay-dung-dang/huong-dan-sinh-hoat-chuyen-de.pdf"),
            f"{GUIDE}:6: Không tìm thấy tệp đính kèm “xay-dung-dang/huong-dan-sinh-hoat-chuyen-de.pdf”.", "Chép tệp vào cạnh bài viết"),
    Mistake("a colon after curly quotes in a title", edit(GUIDE, "title: Hướng dẫn sinh hoạt", "title: “Hướng dẫn”: sinh hoạt"),
            f"{GUIDE}:2: Phần thông tin (YAML) viết sai: có dấu hai chấm (:) ở chỗ không được phép.", 'title: "“Hướng dẫn”: sinh hoạt'),
    Mistake("an empty new file", write("content/xay-dung-dang/trong.md", ""),
            "content/xay-dung-dang/trong.md:1: Tệp rỗng.", "hoặc xoá tệp này"),
    Mistake("a misspelt setting", edit("site.toml", "\nper_page = 10", "\nperpage = 10"),
            "site.toml:11: Khoá không hợp lệ “perpage” trong [site].", "“per_page”"),
    Mistake("a section folder renamed", rename("content/phong-van", "content/phong-van-moi"),
            "content/phong-van-moi/: cảnh báo: Bài viết ở đây không thuộc chuyên mục nào trong site.toml", "“phong-van”?", error=False),
    Mistake("an embedded video frame", edit(GUIDE, "\n## Cách tổ chức", '\n<iframe src="https://example.com/v"></iframe>\n\n## Cách tổ chức'),
            "cảnh báo: Đã loại bỏ mã HTML không an toàn “<iframe>”.", "trust_html = true", error=False),
]


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample bulletin, copied and built once."""
    root = tmp_path_factory.mktemp("mau") / "site"
    root.mkdir()
    shutil.copy2(REPO / "site.toml", root / "site.toml")
    shutil.copytree(REPO / "content", root / "content")
    done = run_build(root)
    assert done.code == 0, done.stderr
    return root


def warnings_in(stderr: str) -> list[str]:
    """List the warnings' first lines."""
    return [line for line in stderr.splitlines() if re.match(r"\S+: cảnh báo: ", line)]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_one_editor_mistake_gives_one_message_from_build_and_check(mistake: Mistake, built_sample: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(built_sample, root, symlinks=True)
    before = snapshot(root / "public")
    mistake.make(root)
    built, checked = run_build(root), run_build(root, "check")
    for done in (built, checked):
        assert "Lỗi nội bộ" not in done.stderr and "Traceback" not in done.stderr
        lines = reported(done.stderr) if mistake.error else [(line, None) for line in warnings_in(done.stderr)]
        assert len(lines) == 1, done.stderr
        assert lines[0][0].startswith(mistake.message) or lines[0][0].endswith(mistake.message), done.stderr
        assert mistake.hint in done.stderr
    assert reported(built.stderr) == reported(checked.stderr)
    if mistake.error:
        assert (built.code, checked.code) == (1, 1)
        assert snapshot(root / "public") == before  # the old site, byte for byte
    else:
        assert (built.code, checked.code) == (0, 0)
