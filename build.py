#!/usr/bin/env python3
"""bantin's command line: build the bulletin, preview it, start an article, check content, import an old portal.

A build runs these stages in order (bantin/pipeline.py, `build`):
  1. load config   site.toml, validated against its schema
  2. discover      every file under content/
  3. parse         front matter and Markdown of each file into an Article
  4. assemble      the complete, immutable site model, every cross-reference checked; its outputs declared
  5. render        every output: pages through the theme's templates, feeds, sitemap, copied files,
                   photos' sizes (Pillow), and the search index (Pagefind, in its own process meanwhile)
  6. write         into a staging folder, swapped in whole
Workers, the cache and the memo of outputs (bantin/speed) make steps 3 and 5 quick; without
them (--jobs 1 --no-cache) the output is the same, byte for byte.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import traceback
from pathlib import Path

from bantin.cli import add_commands
from bantin.problems import environment_fault


COMMANDS = ("build", "serve", "new", "check", "import")


def global_options(defaults: bool) -> argparse.ArgumentParser:
    """Options accepted before or after the command name."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--root", type=Path, default=Path(".") if defaults else argparse.SUPPRESS,
                        help="thư mục dự án (chứa site.toml)")
    parser.add_argument("--debug", action="store_true", default=False if defaults else argparse.SUPPRESS,
                        help="in cả traceback khi có lỗi")
    return parser


def with_default_command(argv: list[str]) -> list[str]:
    """Insert `build` where the command name belongs when none is given."""
    index = 0
    while index < len(argv) and (argv[index] in ("--root", "--debug") or argv[index].startswith("--root=")):
        index += 2 if argv[index] == "--root" else 1
    rest = argv[index:]
    if rest and rest[0] in (*COMMANDS, "-h", "--help"):
        return argv
    return [*argv[:index], "build", *rest]


def main(argv: list[str]) -> int:
    """Run one command and return its exit status."""
    for stream in (sys.stdout, sys.stderr):  # a terminal or pipe that is not UTF-8 gets \u escapes, never a crash
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(prog="build.py", description="Dựng bản tin tĩnh từ content/ và theme/.",
                                     parents=[global_options(defaults=True)])
    commands = add_commands(parser, global_options(defaults=False))
    arguments = parser.parse_args(with_default_command(argv))
    try:
        return commands[arguments.command or "build"](arguments)
    except KeyboardInterrupt:
        return 130
    except OSError as error:  # the machine refused (permissions, a full disk): name the place and what to do
        if arguments.debug:
            traceback.print_exc()
        print(environment_fault(error), file=sys.stderr)
        return 1
    except Exception:  # an engine bug: say so plainly, and show details only on request
        if arguments.debug:
            traceback.print_exc()
        else:
            print(f"Lỗi nội bộ của bantin: {sys.exc_info()[1]!r}. Chạy lại với --debug để xem chi tiết.", file=sys.stderr)
        return 2


def leave(status: int) -> None:
    """Exit at once with `status`, once everything printed is flushed.

    Everything worth keeping is written by now. Python's normal exit would free the site model
    object by object first: a fifth of a second after a 10,000-article build, for nothing.
    It would also stop any worker process still running; none should be, but none may outlive us.
    """
    for worker in multiprocessing.active_children():
        worker.terminate()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can be said
        status = status or 1
    os._exit(status)


if __name__ == "__main__":
    leave(main(sys.argv[1:]))
