"""The build, stage by stage: load config, discover, parse, assemble, render, write."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .assemble import Options, assemble
from .config import Config, load_config
from .directives import Register, load_register
from .discover import Sources, discover
from .feeds import render_feeds
from .model import Site
from .parse import ParseCache, parse_all
from .problems import BuildError, Problem, errors_only
from .render import render_pages, theme_dirs
from .write import WriteReport, check_output, write_site


@dataclass(frozen=True)
class BuildRequest:
    """Everything the command line can say about one build."""

    root: Path
    base_url: str | None = None
    output: str | None = None
    drafts: bool = False
    future: bool = False
    preview: bool = False
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    use_cache: bool = True
    now: datetime | None = None


@dataclass(frozen=True)
class BuildResult:
    """What a finished build made, and the warnings it met."""

    site: Site
    files: dict[str, bytes]
    copies: dict[str, Path]
    warnings: tuple[Problem, ...]
    seconds: float
    report: WriteReport | None = None


def build(request: BuildRequest) -> BuildResult:
    """Build the site and swap it into the output folder."""
    started = time.perf_counter()
    config = load_config(request.root, request.base_url, request.output)
    check_output(config.output, config.root)
    site, warnings = load_site(config, request, ParseCache(cache_folder(config, request)))
    files, copies = render_site(site)
    report = write_site(config.output, files, copies)
    return BuildResult(site, files, copies, warnings, time.perf_counter() - started, report)


def load_site(config: Config, request: BuildRequest, cache: ParseCache) -> tuple[Site, tuple[Problem, ...]]:
    """Discover, parse and assemble the site model, raising every content error at once."""
    sources = discover(config.content_dir, config.root)
    register, problems = read_register(sources)
    parsed = parse_all(config, sources, cache, request.jobs)
    problems += list(sources.problems) + list(parsed.problems)
    options = Options(request.now or datetime.now(config.tz), request.drafts, request.future, request.preview)
    try:
        site, more = assemble(config, register, list(parsed.articles), list(parsed.pages), sources.assets, options)
    except BuildError as error:
        raise BuildError(problems + list(error.problems)) from None
    if errors_only(problems):
        raise BuildError(problems)
    return site, tuple(problems + more)


def read_register(sources: Sources) -> tuple[Register, list[Problem]]:
    """Load the directives register, keeping its problems with the others."""
    try:
        return load_register(sources.register.file.read_bytes() if sources.register else None), []
    except BuildError as error:
        return Register((), ()), list(error.problems)


def render_site(site: Site) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Render every page and feed, and list the files to copy as they are."""
    files = render_pages(site) | render_feeds(site)
    copies = {asset.output: Path(asset.source) for asset in site.assets}
    return files, copies | theme_static(site.config)


def theme_static(config: Config) -> dict[str, Path]:
    """List the theme's static files; a site theme's file wins over the default's."""
    copies: dict[str, Path] = {}
    for folder in reversed(theme_dirs(config.root, config.theme)):
        static = folder / "static"
        for file in sorted(static.rglob("*")) if static.is_dir() else ():
            if file.is_file():
                copies["static/" + file.relative_to(static).as_posix()] = file
    return copies


def cache_folder(config: Config, request: BuildRequest) -> Path | None:
    """Return where parsed articles are cached, or None when caching is off."""
    return config.root / ".bantin" / "cache" if request.use_cache else None
