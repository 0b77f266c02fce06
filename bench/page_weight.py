#!/usr/bin/env python3
"""Report the weight of each kind of page of the sample bulletin: HTML + CSS bytes, raw and gzipped.

    python3 bench/page_weight.py            # build the sample into a temporary folder and print a table

Images are left out (they load lazily, and only where an article has them). The CSS is counted
once per page, as a first visit with an empty cache would fetch it. The budget for an article
page is 30 000 bytes before compression (asserted in tests/test_theme_output.py).
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUDGET = 30_000
KINDS = {  # page kind -> how to find its pages in the output, relative to the site root
    "trang chủ": r"index\.html",
    "bài viết": r"(tin-tuc-su-kien|xay-dung-dang|guong-nguoi-tot-viec-tot)/[^/]+/index\.html",
    "phỏng vấn": r"phong-van/[^/]+/index\.html",
    "chuyên mục": r"(tin-tuc-su-kien|xay-dung-dang|guong-nguoi-tot-viec-tot|phong-van)/index\.html",
    "văn bản": r"van-ban/\d{4}/[^/]+/index\.html",
    "danh mục văn bản": r"van-ban/index\.html",
    "lưu trữ năm": r"luu-tru/\d{4}/index\.html",
    "trang tĩnh": r"(gioi-thieu-ban-tin|lien-he)/index\.html",
    "404": r"404\.html",
}
STYLESHEET = re.compile(r'<link rel="stylesheet" href="[^"]*?/static/([^"?]+)')


def build_sample(into: Path) -> Path:
    """Copy the sample's site.toml and content/ into a folder, build it, and return the output."""
    shutil.copy2(REPO / "site.toml", into / "site.toml")
    shutil.copytree(REPO / "content", into / "content")
    command = [sys.executable, str(REPO / "build.py"), "--root", str(into), "build", "--no-cache"]
    subprocess.run(command, check=True, capture_output=True, cwd=into)
    return into / "public"


def weigh(out: Path, page: Path) -> tuple[int, int, int, int]:
    """Return (HTML bytes, HTML gzip bytes, CSS bytes, CSS gzip bytes) of one page."""
    html = page.read_bytes()
    css = b"".join((out / "static" / name).read_bytes() for name in STYLESHEET.findall(html.decode("utf-8")))
    return len(html), len(gzip.compress(html, 9, mtime=0)), len(css), len(gzip.compress(css, 9, mtime=0))


def report(out: Path) -> list[str]:
    """Tabulate the heaviest page of every kind."""
    files = [p for p in out.rglob("*.html") if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]
    lines = [f"{'loại trang':<18}{'số trang':>9}{'HTML':>9}{'CSS':>8}{'HTML+CSS':>10}{'gzip':>8}  trang nặng nhất"]
    for kind, pattern in KINDS.items():
        pages = [p for p in files if re.fullmatch(pattern, p.relative_to(out).as_posix())]
        if not pages:
            continue
        weights = {p: weigh(out, p) for p in pages}
        page = max(weights, key=lambda p: weights[p][0] + weights[p][2])
        html, html_gz, css, css_gz = weights[page]
        flag = "  VƯỢT NGÂN SÁCH" if kind in ("bài viết", "phỏng vấn") and html + css >= BUDGET else ""
        lines.append(f"{kind:<18}{len(pages):>9}{html:>9}{css:>8}{html + css:>10}{html_gz + css_gz:>8}  "
                     f"{page.relative_to(out).as_posix()}{flag}")
    return lines


def main() -> int:
    """Build the sample and print the table."""
    with tempfile.TemporaryDirectory() as folder:
        out = build_sample(Path(folder))
        print(f"Trọng lượng trang (byte, chưa tính ảnh); ngân sách bài viết: HTML+CSS < {BUDGET}")
        print("\n".join(report(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
