"""The commands behind build.py: build (and, in their own modules, serve, new and check)."""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Callable

from .pipeline import BuildRequest, BuildResult, build
from .problems import BuildError, Problem

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Command] = {}
finished: list[BuildResult] = []  # the last build's result, left for the process's exit to drop (see build_command)


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that builds."""
    parser.add_argument("--base-url", help="ghi đè base_url trong site.toml (đường dẫn con khi triển khai)")
    parser.add_argument("--output", help="thư mục xuất (mặc định theo site.toml)")
    parser.add_argument("--drafts", action="store_true", help="dựng cả bản nháp")
    parser.add_argument("--future", action="store_true", help="dựng cả bài hẹn giờ đăng")
    parser.add_argument("--jobs", type=int, default=None, help="số tiến trình song song")
    parser.add_argument("--no-cache", action="store_true", help="không dùng bộ nhớ đệm .bantin/cache")


def add_commands(parser: argparse.ArgumentParser, shared: argparse.ArgumentParser) -> None:
    """Register every subcommand on the parser; each also accepts the `shared` options."""
    commands = parser.add_subparsers(dest="command")
    original = commands.add_parser

    def add_parser(name: str, **kwargs: object) -> argparse.ArgumentParser:
        """Add a subcommand that also understands --root and --debug."""
        return original(name, parents=[shared, *kwargs.pop("parents", [])], **kwargs)

    commands.add_parser = add_parser  # type: ignore[method-assign]
    add_build_options(commands.add_parser("build", help="dựng toàn bộ trang (mặc định)"))
    COMMANDS["build"] = build_command
    for module in optional_commands():
        module.register(commands, add_build_options)
        COMMANDS[module.NAME] = module.main


def optional_commands() -> list:
    """Load the commands that live in their own modules."""
    loaded = []
    for name in ("serve", "scaffold", "check"):
        try:
            loaded.append(__import__(f"bantin.{name}", fromlist=["register"]))
        except ModuleNotFoundError as error:
            if error.name != f"bantin.{name}":
                raise
    return loaded


def request_from(arguments: argparse.Namespace, **overrides: object) -> BuildRequest:
    """Turn command-line options into a BuildRequest."""
    values = dict(root=arguments.root, base_url=arguments.base_url, output=arguments.output,
                  drafts=arguments.drafts, future=arguments.future, use_cache=not arguments.no_cache)
    if arguments.jobs:
        values["jobs"] = arguments.jobs
    return BuildRequest(**(values | overrides))


def report_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Print problems once, errors and warnings alike, to standard error."""
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def build_command(arguments: argparse.Namespace) -> int:
    """Build the site into the output folder."""
    gc.disable()  # the process ends with the build: a collection now would walk the whole site model for nothing
    try:
        result = build(request_from(arguments))
    except BuildError as error:
        report_problems(error.problems)
        errors = sum(p.severity == "error" for p in error.problems)
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


def run(arguments: argparse.Namespace) -> int:
    """Dispatch to the chosen command."""
    return COMMANDS[arguments.command or "build"](arguments)
