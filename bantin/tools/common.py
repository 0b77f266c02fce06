"""What every command shares: the build options, turning them into a request, and printing problems."""

from __future__ import annotations

import argparse
import sys
from typing import Iterable

from ..pipeline import BuildRequest
from ..problems import Problem


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that builds."""
    parser.add_argument("--base-url", help="ghi đè base_url trong site.toml (đường dẫn con khi triển khai)")
    parser.add_argument("--output", help="thư mục xuất (mặc định theo site.toml)")
    parser.add_argument("--drafts", action="store_true", help="dựng cả bản nháp")
    parser.add_argument("--future", action="store_true", help="dựng cả bài hẹn giờ đăng")
    parser.add_argument("--jobs", type=int, default=None, help="số tiến trình song song (--jobs 1 --no-cache: bản dựng tham chiếu)")
    parser.add_argument("--no-cache", action="store_true", help="không dùng bộ nhớ đệm .bantin/cache")


def request_from(arguments: argparse.Namespace, **overrides: object) -> BuildRequest:
    """Turn command-line options into a BuildRequest."""
    values = dict(root=arguments.root, base_url=arguments.base_url, output=arguments.output,
                  drafts=arguments.drafts, future=arguments.future, use_cache=not arguments.no_cache)
    if arguments.jobs:
        values["jobs"] = arguments.jobs
    return BuildRequest(**(values | overrides))


def report_problems(problems: Iterable[Problem]) -> None:
    """Print problems once each (a link and an image to one missing file are one mistake), to standard error."""
    for problem in dict.fromkeys(problems):
        print(problem.format(), file=sys.stderr)
