"""Inline-fixture sites for tests: write a small site into a folder, build it, read the output."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image

from bantin.speed import Speed
from bantin.stages.content import make_converter
from bantin.stages.markup import Converter

REPO = Path(__file__).resolve().parent.parent

SITE_TOML = """\
[site]
title = "Bản tin thử"
tagline = "Khẩu hiệu thử"
base_url = "https://example.org/ban-tin/"
per_page = 2

[[sections]]
slug = "tin-tuc"
name = "Tin tức"
description = "Tin hoạt động."

[[sections]]
slug = "xay-dung-dang"
name = "Xây dựng Đảng"

[footer]
governing_body = "Cơ quan chủ quản: Ban Tuyên giáo"
licence = "Giấy phép số 1/GP"
licence_issuer = "Sở TT&TT cấp"
editor_in_chief = "Tổng biên tập: Nguyễn Văn A"
address = "Số 1 đường B"
phone = "0200 000 000"
email = "bantin@example.org"
republish_notice = "Ghi rõ nguồn khi phát hành lại."
"""

DIRECTIVES_TOML = """\
[[directive]]
kind = "Chỉ thị"
number = "05-CT/TW"
issuer = "Bộ Chính trị"
date = 2016-05-15
title = "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
summary = "Tóm tắt."
aliases = ["Chỉ thị số 05-CT/TW", "Chỉ thị 05"]

[[directive]]
kind = "Kết luận"
number = "01-KL/TW"
issuer = "Bộ Chính trị"
date = 2021-05-18
title = "Về tiếp tục thực hiện Chỉ thị số 05-CT/TW"
aliases = ["Kết luận số 01-KL/TW", "Kết luận 01"]
"""


def article(title: str, date: str = "30/12/2014 07:42", body: str = "Nội dung bài viết.", **fields: str) -> str:
    """Write the text of an article with YAML front matter."""
    lines = [f"title: {title}", f"date: {date}"] + [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body).strip() + "\n"


def make_site(root: Path, files: dict[str, str | bytes] | None = None, *, site_toml: str = SITE_TOML,
              directives: str | None = DIRECTIVES_TOML) -> Path:
    """Create a site in `root`: site.toml, content/directives.toml and the given files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(site_toml, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    if directives is not None:
        (root / "content" / "directives.toml").write_text(directives, encoding="utf-8")
    for name, data in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


@dataclass
class Run:
    """The outcome of running build.py."""

    code: int
    stdout: str
    stderr: str


def run_build(root: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None) -> Run:
    """Run `python build.py --root ROOT ARGS` in a subprocess, as a user would (with `env` added to the environment)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"} | (env or {})  # a pipe buffers, as for a user
    env["PYTHONHASHSEED"] = "0"
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, cwd=root)
    return Run(done.returncode, done.stdout, done.stderr)


def read(root: Path, path: str, output: str = "public") -> str:
    """Read one output file as text."""
    return (root / output / path).read_text(encoding="utf-8")


SEARCH_BUNDLES = ("pagefind/", "pagefind-recent/")


class Zone:
    """Just enough of a Config for Speed.parse_settings."""

    def __init__(self, trust_html: bool) -> None:
        self.timezone, self.trust_html = "Asia/Ho_Chi_Minh", trust_html


def converter_as_built(trust_html: bool, quick: bool) -> Converter:
    """Make fresh Markdown engines as a build makes them: the fast build's (`quick`) or the reference build's."""
    speed = Speed(None, None, quick=True) if quick else Speed.reference()
    return make_converter(speed.parse_settings(Zone(trust_html)))


def bodies(folder: Path) -> list[tuple[str, str]]:
    """Read every article under a folder as (path inside it, body without the front matter)."""
    found = []
    for file in sorted(folder.rglob("*.md")):
        text = file.read_text(encoding="utf-8")
        found.append((file.relative_to(folder).as_posix(), text.split("\n---\n", 1)[1] if text.startswith("---\n") else text))
    return found


def snapshot(folder: Path) -> dict[str, bytes]:
    """Map every file under a folder to its bytes, but Pagefind's search bundle.

    Pagefind does not write its filter files byte for byte the same twice (their names are hashes of
    contents whose order varies between runs), so the bundle is left out here; what it finds is proven
    in Chromium (tests/test_search.py), and that it is present by `search_bundle`.
    """
    return {name: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (name := p.relative_to(folder).as_posix()).startswith(SEARCH_BUNDLES)}


def search_bundle(folder: Path) -> set[str]:
    """Name the search bundle's files that do not change from run to run (Pagefind's script and engine)."""
    return {p.relative_to(folder).as_posix() for p in (folder / "pagefind").glob("pagefind*.js")}


def png(width: int = 2, height: int = 2, colour: tuple[int, int, int] = (200, 30, 36)) -> bytes:
    """Return a real PNG image of one colour (the build reads every image it shows with Pillow)."""
    out = BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()
