"""`new`: start an article (or a standalone page) as a draft, in the right folder, with its front matter filled in."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from .common import report_problems
from ..stages.config import RESERVED_SLUGS, Config, Section, load_config
from ..stages.directives import PATH as REGISTER_PATH, Register, load_register
from ..stages.discover import PAGES_DIR
from ..problems import BuildError, Problem, did_you_mean
from ..stages.slugs import slugify

NAME = "new"
GUIDE = """\
<!--
HƯỚNG DẪN (khung chú thích này không hiện trên trang, có thể xoá khi viết xong):
- Viết nội dung bài bên dưới khung này, bằng Markdown; để một dòng trống giữa hai đoạn văn.
- Đoạn đầu tiên là sapo, trừ khi bạn thêm dòng summary: ... vào phần thông tin ở trên.
- Tiêu đề mục: bắt đầu dòng bằng ## và một dấu cách. Chữ đậm: **chữ đậm**.
- Ảnh: chép tệp ảnh vào cùng thư mục với bài, rồi viết ![Mô tả nội dung ảnh](ten-anh.jpg "Chú thích dưới ảnh").
  Phần mô tả trong ngoặc vuông là bắt buộc.
- Liên kết tới bài khác: [tên bài](../ten-chuyen-muc/ten-tep.md).
- Phỏng vấn: đoạn hỏi bắt đầu bằng **BTV:**, đoạn trả lời bắt đầu bằng tên người trả lời, ví dụ **Ông Nguyễn Văn A:**.
- Phần thông tin (giữa hai dòng ---) có thể thêm: author (tác giả), source (nguồn, ví dụ Theo Báo ĐCSVN),
  summary (sapo), image và image_alt (ảnh đại diện và lời mô tả ảnh), featured: true (tin nổi bật),
  directives: [tên văn bản chỉ đạo, như trong content/directives.toml].
- date là ngày giờ đăng (ngày/tháng/năm giờ:phút); ghi ngày trong tương lai để hẹn giờ đăng.
- Xem trước: python build.py serve. Kiểm tra lỗi: python build.py check.
- Khi bài đã sẵn sàng, đổi status: draft thành status: published.
-->
"""


def register(subparsers: Any, add_build_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the `new` command; it does not build, so it takes no build options."""
    parser = subparsers.add_parser(NAME, help="tạo bài viết mới (bản nháp) với phần thông tin điền sẵn")
    parser.add_argument("title", help="tiêu đề bài viết, đặt trong ngoặc kép")
    parser.add_argument("--section", help="chuyên mục: slug hoặc tên trong site.toml (mặc định: chuyên mục đầu tiên)")
    parser.add_argument("--directive", action="append", default=[],
                        help="văn bản chỉ đạo bài viết thực hiện, ví dụ \"Chỉ thị 05-CT/TW\"; lặp lại nếu có nhiều")
    parser.add_argument("--page", action="store_true", help="tạo trang riêng trong content/pages/ thay cho bài viết")


def main(arguments: argparse.Namespace) -> int:
    """Create the file, print its path, and refuse to overwrite anything."""
    root = Path(arguments.root)
    try:
        config = load_config(root)
        register_ = register_of(config)
        relative, text, note = plan(arguments, config, register_)
    except BuildError as error:
        report_problems(error.problems)
        return 1
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        print(Problem(relative.as_posix(), 0, "Tệp này đã có; bantin không ghi đè lên bài đã viết.",
                      "Mở tệp đó để sửa, hoặc chọn một tiêu đề khác.").format(), file=sys.stderr)
        return 1
    print(path)
    print(note, file=sys.stderr)
    return 0


def register_of(config: Config) -> Register:
    """Load content/directives.toml, or an empty register when there is none."""
    file = config.root / REGISTER_PATH
    return load_register(file.read_bytes() if file.is_file() else None)


MAX_SLUG = 80  # a long title makes a short address: file names stop at 255 bytes, and readers share links


def shortened(slug: str) -> str:
    """Cut a slug to MAX_SLUG characters at a word's end."""
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[:MAX_SLUG + 1].rsplit("-", 1)[0]
    return cut if cut else slug[:MAX_SLUG]


def plan(arguments: argparse.Namespace, config: Config, register_: Register) -> tuple[Path, str, str]:
    """Decide the new file's path and text; raise BuildError on any bad option."""
    title = " ".join(arguments.title.split())
    slug = slugify(title)
    if not slug:
        raise BuildError([Problem("tiêu đề", 0, f"Không tạo được tên tệp (slug) từ tiêu đề “{title}”.",
                                  "Tiêu đề phải có ít nhất một chữ cái hoặc chữ số.")])
    now = datetime.now(config.tz).replace(second=0, microsecond=0)
    long_title = len(slug) > MAX_SLUG
    slug = shortened(slug)
    if arguments.page:
        return plan_page(arguments, config, title, slug, now)
    section = choose_section(arguments.section, config)
    directives = [resolve_directive(name, register_) for name in arguments.directive]
    fields = [f"title: {quote(title)}", f"date: {now:%d/%m/%Y %H:%M}"] + ([f"slug: {slug}"] if long_title else [])
    if directives:
        fields.append("directives: [" + ", ".join(quote(name) for name in directives) + "]")
    relative = Path("content") / section.slug / f"{now:%Y-%m-%d}-{slug}.md"
    note = (f"Đã tạo bản nháp trong chuyên mục “{section.name}”"
            + ("" if arguments.section else " (chọn chuyên mục khác bằng --section)")
            + ". Mở tệp để viết; xem trước bằng: python build.py serve")
    return relative, document(fields), note


def plan_page(arguments: argparse.Namespace, config: Config, title: str, slug: str, now: datetime) -> tuple[Path, str, str]:
    """Plan a standalone page in content/pages/, whose address is /<slug>/."""
    if arguments.section or arguments.directive:
        raise BuildError([Problem("--page", 0, "Trang riêng không thuộc chuyên mục nào và không gắn văn bản chỉ đạo.",
                                  "Bỏ --section và --directive, hoặc bỏ --page để tạo bài viết.")])
    taken = {s.slug for s in config.sections} | RESERVED_SLUGS
    if slug in taken:
        raise BuildError([Problem("--page", 0, f"Địa chỉ /{slug}/ đã dành cho một chuyên mục hoặc mục của trang.",
                                  "Chọn một tiêu đề khác cho trang.")])
    fields = [f"title: {quote(title)}", f"date: {now:%d/%m/%Y %H:%M}"]
    note = f"Đã tạo trang riêng (bản nháp), địa chỉ /{slug}/. Xem trước bằng: python build.py serve"
    return Path("content") / PAGES_DIR / f"{slug}.md", document(fields), note


def choose_section(wanted: str | None, config: Config) -> Section:
    """Find the section by slug or name (any case, with or without accents); default to the first."""
    if not config.sections:
        raise BuildError([Problem("site.toml", 0, "site.toml chưa có chuyên mục nào.",
                                  'Thêm một bảng [[sections]] với slug = "..." và name = "...".')])
    if wanted is None:
        return config.sections[0]
    for section in config.sections:
        if slugify(wanted) in (section.slug, slugify(section.name)):
            return section
    choices = [s.slug for s in config.sections] + [s.name for s in config.sections]
    raise BuildError([Problem("--section", 0, f"Chuyên mục không tồn tại “{wanted}”.", did_you_mean(wanted, choices))])


def resolve_directive(name: str, register_: Register) -> str:
    """Return the canonical name of a directive given by name or alias."""
    directive = register_.find(name)
    if directive is None:
        raise BuildError([Problem("--directive", 0, f"Văn bản chỉ đạo chưa có trong danh mục: “{name}”.",
                                  register_.suggest(name) + " Nếu là văn bản mới, hãy thêm nó vào content/directives.toml.")])
    return directive.name


def quote(text: str) -> str:
    """Write text as a YAML double-quoted string (JSON's escapes are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def document(fields: list[str]) -> str:
    """Assemble a draft: front matter, then the commented guide."""
    return "---\n" + "\n".join([*fields, "status: draft"]) + "\n---\n\n" + GUIDE
