"""The build, stage by stage: load config, discover, parse, assemble, render, write.

`build` tells the whole story. The same stages run, in the same order, whether the build is
serial or parallel, cold or cached: what makes it quick (workers, the cache, the memo of
outputs, the stamp) comes from bantin.speed, handed to the stages through three seams.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .problems import BuildError, Problem, errors_only
from .speed import Speed
from .stages.assemble import Options, assemble
from .stages.config import Config, load_config
from .stages.content import ParseResult, parse_all
from .stages.directives import Register, load_register
from .stages.discover import Sources, active_files, discover
from .stages.model import Asset, Output, SearchIndex, Site, ThemeFile
from .stages.outputs import declare_outputs
from .stages.render import render
from .stages.theme import theme_static
from .stages.destination import check_names, check_output
from .stages.write import publish, remove_stale_staging, staging


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

    @property
    def shape(self) -> tuple[object, ...]:
        """The options that change what a build writes."""
        return (self.base_url, self.output, self.drafts, self.future, self.preview)


@dataclass(frozen=True)
class BuildResult:
    """What a finished build made; `site` is None when nothing had changed since the last build."""

    site: Site | None
    warnings: tuple[Problem, ...]
    seconds: float
    pages: int
    articles: int
    output: Path
    rendered: frozenset[str] = frozenset()  # the outputs made by this build (not kept from the last one)


def build(request: BuildRequest) -> BuildResult:
    """Build the site and swap it into the output folder; return at once if nothing changed since the last build."""
    started = time.perf_counter()
    config = load_config(request.root, request.base_url, request.output)                     # 1. load config
    check_output(config.output, config.root, "--output" if request.output is not None else None)
    remove_stale_staging(config.output)  # a killed build's old site back in place, even if this build fails
    with Speed.for_build(config, request.jobs, request.use_cache, request.shape) as speed:
        now = request.now or datetime.now(config.tz)
        if speed.store and (last := speed.store.last_build(now)):
            return BuildResult(None, last.warnings, time.perf_counter() - started, last.pages, last.articles, config.output)
        speed.start()
        sources = discover(config.content_dir, config.root, speed.store.stats if speed.store else None)  # 2. discover
        parsed = parse_all(sources, speed.parse_settings(config), speed.parse_many)            # 3. parse
        site, warnings = assemble_site(config, sources, parsed, options_for(request, now))      # 4. assemble
        outputs = declare_outputs(site)
        check_outputs(config.output, outputs)
        with staging(config.output, {o.output for o in outputs}, speed.spare) as stage:
            todo, unchanged = speed.keep_unchanged(site, outputs, stage)
            made = render(site, todo, stage, speed.run(site), speed.kept)                    # 5. render
            publish(stage, speed.spare)                                                       # 6. write
        if speed.store:
            speed.store.remember(site, parsed, warnings, set(made.names | unchanged.names), started)
    return BuildResult(site, warnings, time.perf_counter() - started, len(site.pages), len(site.entries), config.output, made.names)


def load_site(config: Config, request: BuildRequest, speed: Speed) -> tuple[Site, tuple[Problem, ...]]:
    """Discover, parse and assemble, as a build does, without writing anything (for `check`)."""
    sources = discover(config.content_dir, config.root)
    parsed = parse_all(sources, speed.parse_settings(config), speed.parse_many)
    site, warnings = assemble_site(config, sources, parsed, options_for(request, request.now or datetime.now(config.tz)))
    check_outputs(config.output, declare_outputs(site))
    return site, warnings


def options_for(request: BuildRequest, now: datetime) -> Options:
    """Say which items this build includes, and when "now" is."""
    return Options(now, request.drafts, request.future, request.preview)


def assemble_site(config: Config, sources: Sources, parsed: ParseResult, options: Options) -> tuple[Site, tuple[Problem, ...]]:
    """Assemble the site model and check every output name; raise every content problem at once."""
    register, problems = read_register(sources)
    problems += list(sources.problems) + list(parsed.problems)
    static = theme_static(config)
    clashes = static_clashes(sources, static) + ([] if config.trust_html else active_files(sources))
    assets = tuple(asset for asset in sources.assets if asset.path not in {a.output for a in static})
    try:
        broken = frozenset(p.path.removeprefix("content/") for p in sources.problems + parsed.problems if p.severity == "error")
        site, more = assemble(config, register, list(parsed.articles), list(parsed.pages), assets, options, static, broken)
    except BuildError as error:
        raise BuildError(problems + clashes + list(error.problems)) from None
    if errors_only(problems + clashes):
        raise BuildError(problems + clashes)
    return site, tuple(problems + more)


def check_outputs(output: Path, outputs: tuple[Output, ...]) -> None:
    """Refuse a theme file that another output would overwrite, and names the output folder cannot hold (destination.check_names)."""
    others = {o.output.casefold() for o in outputs if not isinstance(o, ThemeFile)}
    clashes = [Problem(o.source, 0, f"Tệp giao diện này ghi ra “{o.output}”, trùng với một trang hoặc tệp khác của trang web.",
                       "Đổi tên tệp trong templates/files/.") for o in outputs if isinstance(o, ThemeFile) and o.output.casefold() in others]
    if clashes:
        raise BuildError(clashes)
    names = [o.output + "pagefind.js" if isinstance(o, SearchIndex) else o.output for o in outputs if not isinstance(o, Asset)]
    check_names(output, names, {o.output: Path(o.source) for o in outputs if isinstance(o, Asset)})


def read_register(sources: Sources) -> tuple[Register, list[Problem]]:
    """Load the directives register, keeping its problems with the others."""
    try:
        return load_register(sources.register.file.read_bytes() if sources.register else None), []
    except BuildError as error:  # keep what could be read, so articles do not report knock-on errors
        return getattr(error, "register", Register((), ())), list(error.problems)


def static_clashes(sources: Sources, static: tuple[Asset, ...]) -> list[Problem]:
    """Refuse a file in content/ that a static file of the theme, written to the same path, would overwrite."""
    theme = {asset.output for asset in static}
    return [Problem(f"content/{asset.path}", 0, f"Tệp này trùng tên với tệp {asset.path} của giao diện, và sẽ bị tệp đó ghi đè.",
                    "Đổi tên tệp (và các liên kết tới nó), hoặc chuyển nó sang thư mục khác.")
            for asset in sources.assets if asset.path in theme]

