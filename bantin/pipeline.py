"""The build, stage by stage: load config, discover, parse, assemble, render, write."""

from __future__ import annotations

import gc
import os
import time
from collections import ChainMap
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from .assemble import Memo, Options, assemble
from .cache import RACY_NS
from .cards import Drawing
from .config import Config, load_config
from .directives import Register, load_register
from .discover import SourceFile, Sources, discover, is_ignored
from .feeds import render_feeds
from .model import Site, Teaser
from .incremental import PageDigests, RenderMemo, render_context, render_lazily
from .parse import ParseCache, ParseResult, parse_all
from .problems import BuildError, Problem, errors_only
from .render import render_pages, theme_dirs
from .stamp import (Stamp, digest_of, engine_fingerprint, listing_of, next_change, path_states, read_stamp, scan,
                    state_digest, still_valid, write_stamp, written_files)
from .workers import PARALLEL_THRESHOLD, Workers
from .write import WriteReport, check_names, check_output, write_site


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
    """What a finished build made, and the warnings it met; `site` is None when nothing had changed."""

    site: Site | None
    files: dict[str, bytes]
    copies: dict[str, Path]
    warnings: tuple[Problem, ...]
    seconds: float
    report: WriteReport | None = None
    pages: int = 0
    articles: int = 0
    output: Path | None = None


def build(request: BuildRequest) -> BuildResult:
    """Build the site and swap it into the output folder; return at once if nothing changed since the last build."""
    started = time.perf_counter()
    config = load_config(request.root, request.base_url, request.output)
    check_output(config.output, config.root, "--output" if request.output is not None else None)
    inputs = input_state(config, request) if request.use_cache else None
    if inputs and (result := unchanged(config, request, inputs.digest, started)):
        return result
    folder = cache_folder(config, request)
    with collection_paused():
        return build_site(config, request, inputs, folder, started)


def build_site(config: Config, request: BuildRequest, inputs: Inputs | None, folder: Path | None,
               started: float) -> BuildResult:
    """Build the site: load everything, render, write, and remember what was made for the next build."""
    memo = RenderMemo(folder)
    with (Drawing(ahead=not memo.pages) as drawing, Workers(request.jobs) as workers,  # a rebuild renders few pages
          closing(ParseCache(folder)) as cache):  # its writer may finish while the site is assembled and rendered
        sources = discover(config.content_dir, config.root, inputs.stats if inputs else None)
        drawing.read_theme_meanwhile(config, workers, len(sources.articles))
        site, warnings, parsed = load_everything(config, request, cache, workers, sources,
                                                 on_placed=lambda skeleton, teasers: drawing.start(skeleton, teasers, workers))
        context = render_context(site, drawing.theme_facts())
        meanwhile = workers.running and not memo.matches(context)
        digests = PageDigests(site, parsed_identities(parsed), meanwhile) if folder else None
        kept = memo.kept(context, config.output, digests)
        copies = files_to_copy(site)
        kept = {name: file for name, file in kept.items() if name not in copies}
        pages = render_lazily(site, [p for p in site.pages if p.output not in kept], context, workers, drawing, digests)
        feeds = render_feeds(site)
        report = write_site(config.output, feeds, copies | kept, config.root / ".bantin" / "spare" if folder else None, pages)
        files = ChainMap(feeds, pages)
    copies |= kept
    listing = listing_of([*feeds, *pages, *copies]) if folder else ()  # what write_site left there, no more
    states = path_states(config.output, listing)
    memo.save(context, written_files(listing, states), digests)
    if inputs:
        record_stamp(config, request, inputs, site, parsed, warnings, started, (listing, states))
    return BuildResult(site, files, copies, warnings, time.perf_counter() - started, report,
                       len(site.pages), len(site.entries), config.output)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cycle collector in this process while the site model is built and used.

    A full collection walks every object of the model, and making the model triggers one
    again and again: a fifth of this process's time in a 10,000-article build. The model
    holds no cycles to free before the build ends. (The workers collect as usual.)
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_site(config: Config, request: BuildRequest, cache: ParseCache) -> tuple[Site, tuple[Problem, ...]]:
    """Discover, parse and assemble the site model, raising every content error at once."""
    site, warnings, _ = load_everything(config, request, cache, None)
    return site, warnings


def load_everything(config: Config, request: BuildRequest, cache: ParseCache, workers: Workers | None,
                    sources: Sources | None = None, memo: Memo | None = None,
                    on_placed: Callable[[Site, tuple[Teaser, ...]], None] | None = None) -> tuple[Site, tuple[Problem, ...], ParseResult]:
    """Load the site model, and also return the parse result (for digests and the stamp); `memo` serves `serve`.

    `on_placed` is shown every article's teaser once they have URLs, before the rest of the model is built (see cards.py)."""
    sources = sources or discover(config.content_dir, config.root)
    if workers is not None and len(sources.articles) + len(sources.pages) >= PARALLEL_THRESHOLD:
        workers.start()  # fork now, while this process holds nothing but the list of files
    register, problems = read_register(sources)
    parsed = parse_all(config, sources, cache, request.jobs, workers)
    problems += list(sources.problems) + list(parsed.problems) + static_clashes(config, sources.assets)
    options = Options(request.now or datetime.now(config.tz), request.drafts, request.future, request.preview)
    try:
        site, more = assemble(config, register, list(parsed.articles), list(parsed.pages), sources.assets, options, memo, on_placed)
    except BuildError as error:
        raise BuildError(problems + list(error.problems)) from None
    if errors_only(problems):
        raise BuildError(problems)
    return site, tuple(problems + more), parsed


def parsed_identities(parsed: ParseResult) -> dict[int, tuple[object, str]]:
    """Map each parsed record (by identity) to its parse key, which digests it."""
    return {id(a): (a, parsed.keys[a.path]) for a in parsed.articles + parsed.pages}


class Inputs(NamedTuple):
    """A build's inputs as it started: their digest, the newest modification time among them, each content file's stat."""

    digest: str
    newest: int
    stats: dict[str, os.stat_result]


def input_state(config: Config, request: BuildRequest) -> Inputs:
    """Digest every input of a build; also return the newest modification time among them, and the stats taken."""
    stats: dict[str, os.stat_result] = {}
    content = scan(config.content_dir, is_ignored, stats)
    themes = [scan(folder) for folder in theme_dirs(config.root, config.theme)]
    site_toml = (config.root / "site.toml").read_bytes()
    shape = (request.base_url, request.output, request.drafts, request.future, request.preview, str(config.output))
    newest = max((entry[2] for listing in [content, *themes] for entry in listing), default=0)
    newest = max(newest, (config.root / "site.toml").stat().st_mtime_ns)
    return Inputs(digest_of(engine_fingerprint(), shape, site_toml, content, themes), newest, stats)


def unchanged(config: Config, request: BuildRequest, inputs: str, started: float) -> BuildResult | None:
    """Return the last build's result when its stamp shows the output is already what this build would write."""
    stamp = read_stamp(config.root)
    now = request.now or datetime.now(config.tz)
    if stamp is None or not still_valid(stamp, inputs, config.output, now):
        return None
    return BuildResult(None, {}, {}, stamp.warnings, time.perf_counter() - started, WriteReport(0, 0),
                       stamp.pages, stamp.articles, config.output)


def record_stamp(config: Config, request: BuildRequest, inputs: Inputs, site: Site, parsed: ParseResult,
                 warnings: tuple[Problem, ...], started: float,
                 output: tuple[tuple[str, ...], list[tuple[int, int, int]] | None]) -> None:
    """Stamp the output (`output`: its listing and each path's state) with the inputs it was built from,
    unless an input changed too recently to trust its time."""
    if time.time_ns() - inputs.newest <= RACY_NS + int((time.perf_counter() - started) * 1e9):
        write_stamp(config.root, None)
        return
    now = request.now or datetime.now(config.tz)
    moments = [moment for item in parsed.articles + parsed.pages for moment in (item.date, item.expires)]
    listing, states = output
    write_stamp(config.root, Stamp(inputs.digest, state_digest(listing, states), listing, next_change(moments, now),
                                   len(site.pages), len(site.entries), warnings))


def read_register(sources: Sources) -> tuple[Register, list[Problem]]:
    """Load the directives register, keeping its problems with the others."""
    try:
        return load_register(sources.register.file.read_bytes() if sources.register else None), []
    except BuildError as error:  # keep what could be read, so articles do not report knock-on errors
        return getattr(error, "register", Register((), ())), list(error.problems)


def render_site(site: Site) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Render every page and feed, and list the files to copy as they are."""
    files = render_pages(site) | render_feeds(site)
    copies = files_to_copy(site)
    check_names(site.config.output, files, copies)  # so `check` refuses what `build` would refuse to write
    return files, copies


def files_to_copy(site: Site) -> dict[str, Path]:
    """Map each output path to the file copied there as it is: content's files, then the theme's static ones."""
    return {asset.output: Path(asset.source) for asset in site.assets} | theme_static(site.config)


def static_clashes(config: Config, assets: Iterable[SourceFile]) -> list[Problem]:
    """Refuse a file in content/ that a static file of the theme, written to the same path, would overwrite."""
    theme = theme_static(config)
    return [Problem(f"content/{asset.path}", 0, f"Tệp này trùng tên với tệp {asset.path} của giao diện, và sẽ bị tệp đó ghi đè.",
                    "Đổi tên tệp (và các liên kết tới nó), hoặc chuyển nó sang thư mục khác.")
            for asset in assets if asset.path in theme]


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
