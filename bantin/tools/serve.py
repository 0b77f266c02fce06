"""`serve`: preview the bulletin on this machine, rebuilding and reloading the browser on every save.

The server itself is in preview.py, which loads tornado and livereload: only `serve` pays
for importing them, not every build.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

NAME = "serve"


def register(subparsers: Any, add_build_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the `serve` command and its options."""
    parser = subparsers.add_parser(NAME, help="xem trước bản tin trên máy, tự dựng lại và tải lại trang khi sửa")
    add_build_options(parser)
    parser.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000; 0 = tự chọn cổng trống)")
    parser.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1, chỉ máy này)")
    parser.add_argument("--poll", action="store_true", help="quét định kỳ thay vì nhận báo thay đổi (dùng cho ổ mạng)")


def main(arguments: argparse.Namespace) -> int:
    """Serve the preview until interrupted."""
    if not arguments.host.strip():  # an empty host makes the server listen on every network the machine is on
        print("--host rỗng: bản xem trước sẽ mở cho mọi máy trong mạng, nên bantin không chạy.\n"
              "    → Bỏ --host (chỉ máy này), hoặc ghi rõ địa chỉ, ví dụ --host 0.0.0.0 nếu thật sự muốn mở cho cả mạng.",
              file=sys.stderr)
        return 1
    from .preview import main as serve_preview  # deferred: see the module's docstring
    return serve_preview(arguments)
