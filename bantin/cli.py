"""The commands behind build.py: build, and the editor's tools (serve, new, check)."""

from __future__ import annotations

import argparse
import sys
from typing import Callable

from .pipeline import BuildResult, build
from .problems import BuildError
from .tools import check, importer, new, serve
from .tools.common import add_build_options, report_problems, request_from

Command = Callable[[argparse.Namespace], int]
TOOLS = (serve, new, check, importer)  # each has NAME, register(subparsers, add_build_options) and main(arguments)
finished: list[BuildResult] = []  # the last build's result, left for the process's exit to drop (see build_command)


def add_commands(parser: argparse.ArgumentParser, shared: argparse.ArgumentParser) -> dict[str, Command]:
    """Register every subcommand on the parser (each also accepts the `shared` options); return them by name."""
    commands = parser.add_subparsers(dest="command")
    original = commands.add_parser

    def add_parser(name: str, **kwargs: object) -> argparse.ArgumentParser:
        """Add a subcommand that also understands --root and --debug."""
        return original(name, parents=[shared, *kwargs.pop("parents", [])], **kwargs)

    commands.add_parser = add_parser  # type: ignore[method-assign]
    add_build_options(commands.add_parser("build", help="dựng toàn bộ trang (mặc định)"))
    found: dict[str, Command] = {"build": build_command}
    for tool in TOOLS:
        tool.register(commands, add_build_options)
        found[tool.NAME] = tool.main
    return found


def build_command(arguments: argparse.Namespace) -> int:
    """Build the site into the output folder."""
    try:
        result = build(request_from(arguments))
    except BuildError as error:
        report_problems(error.problems)
        errors = sum(p.severity == "error" for p in set(error.problems))
        print(f"Không dựng được bản tin: {errors} lỗi. Trang cũ (nếu có) được giữ nguyên.", file=sys.stderr)
        return 1
    report_problems(result.warnings)
    print(summary(result))
    finished[:] = [result]  # build.py exits next, at once (see leave): freeing the site model first takes a tenth of a second
    return 0


def summary(result: BuildResult) -> str:
    """Describe a finished build in one line."""
    seconds = f"{result.seconds:.2f}".replace(".", ",")
    return (f"Đã dựng {result.pages} trang ({result.articles} bài viết) "
            f"vào {result.output} trong {seconds} giây.")
