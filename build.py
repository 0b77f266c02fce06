#!/usr/bin/env python3
"""bantin's command line: build the bulletin, preview it, start an article, check content.

A build runs these stages in order (see bantin/pipeline.py):
  1. load config   site.toml, validated against its schema
  2. discover      every file under content/
  3. parse         front matter + Markdown, in parallel, cached by content
  4. assemble      the complete, immutable site model; every cross-reference checked
  5. render        Jinja templates from theme/, Atom feeds, sitemap
  6. write         into a staging folder, swapped in whole
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from bantin.cli import add_commands, run


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Read the command line; `build` is the default command."""
    parser = argparse.ArgumentParser(prog="build.py", description="Dựng bản tin tĩnh từ content/ và theme/.")
    parser.add_argument("--root", type=Path, default=Path("."), help="thư mục dự án (chứa site.toml)")
    parser.add_argument("--debug", action="store_true", help="in cả traceback khi có lỗi")
    add_commands(parser)
    commands = {"build", "serve", "new", "check"}
    if not any(arg in commands for arg in argv if not arg.startswith("-")):
        argv = [*argv, "build"] if not argv or argv[0].startswith("-") else argv
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    """Run one command and return its exit status."""
    arguments = parse_arguments(argv)
    try:
        return run(arguments)
    except KeyboardInterrupt:
        return 130
    except Exception:  # an engine bug: say so plainly, and show details only on request
        if arguments.debug:
            traceback.print_exc()
        else:
            print(f"Lỗi nội bộ của bantin: {sys.exc_info()[1]!r}. Chạy lại với --debug để xem chi tiết.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
