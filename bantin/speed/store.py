"""The store: what one build keeps in .bantin/ for the next.

- the parse cache (parsecache.py, used through parsing.CachedParser);
- the output memo (outputmemo.py): the key each output file was made from;
- the stamp (stamp.py): a digest of every input and of the output as the build left it, so a
  build whose inputs did not change stops at once;
- the spare site: the site a build replaced, recycled as the next build's staging folder;
- the theme's templates, compiled (kepttemplates.py).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any, Callable, Iterator, NamedTuple

from ..problems import Problem
from ..stages.config import Config
from ..stages.content import ParseResult
from ..stages.discover import is_ignored
from ..stages.model import Output, Site
from ..stages.theme import theme_dirs
from ..stages.write import Staging, StagingReport
from .executor import SerialExecutor
from .kepttemplates import KeptTemplates
from .outputmemo import KeyingRun, OutputKeys, OutputMemo, render_context
from .parsecache import RACY_NS, ParseCache
from .parsing import CachedParser
from .stamp import (Stamp, digest_of, engine_fingerprint, listing_of, earliest_after, path_stats, read_stamp, scan,
                    state_digest, still_valid, write_stamp)


class Inputs(NamedTuple):
    """A build's inputs as it started: their digest, the newest modification time among them, each content file's stat."""

    digest: str
    newest: int
    stats: dict[str, os.stat_result]


def input_state(config: Config, shape: tuple[Any, ...]) -> Inputs:
    """Digest every input of a build (`shape`: the options that change its output); note the newest time and the stats."""
    stats: dict[str, os.stat_result] = {}
    content = scan(config.content_dir, is_ignored, stats)
    themes = [scan(folder) for folder in theme_dirs(config.root, config.theme)]
    site_toml = (config.root / "site.toml").read_bytes()
    newest = max((entry[2] for listing in [content, *themes] for entry in listing), default=0)
    newest = max(newest, (config.root / "site.toml").stat().st_mtime_ns)
    return Inputs(digest_of(engine_fingerprint(), shape, str(config.output), site_toml, content, themes), newest, stats)


class Store:
    """The parse cache, the output memo, the stamp and the spare site of one project."""

    def __init__(self, config: Config, executor: SerialExecutor, shape: tuple[Any, ...]) -> None:
        self.config = config
        self.folder = config.root / ".bantin" / "cache"
        self.spare = config.root / ".bantin" / "spare"
        self.cache = ParseCache(self.folder)
        self.parser = CachedParser(self.cache, executor)
        self.memo = OutputMemo(self.folder)
        self.inputs = input_state(config, shape)
        self.keys: dict[str, bytes] = {}
        self.keying_run: KeyingRun | None = None
        self.templates = KeptTemplates(self.folder)
        self.templates.forget_other_engines()

    @property
    def stats(self) -> dict[str, os.stat_result]:
        """Return the stat of every content file, as the input scan took it (discovery reuses them)."""
        return self.inputs.stats

    def last_build(self, now: datetime) -> Stamp | None:
        """Return the last build's stamp when the output on disk is exactly what this build would write."""
        stamp = read_stamp(self.config.root)
        return stamp if stamp is not None and still_valid(stamp, self.inputs.digest, self.config.output, now) else None

    def keep_unchanged(self, site: Site, outputs: tuple[Output, ...], stage: Staging) -> tuple[list[Output], StagingReport]:
        """Link into the staging folder every output the memo shows unchanged; return the others, to make."""
        if not self.memo:
            return list(outputs), StagingReport()  # a first build: its workers key the outputs (see keying)
        self.keys = OutputKeys(render_context(site)).of(outputs)
        kept = self.memo.kept(self.keys, self.config.output)
        return [o for o in outputs if o.output not in kept], stage.put_all(kept)

    def keying(self, site: Site, run: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        """Return the render's run: as it is when the keys are known, else one that keys each output where it is made."""
        if self.keys:
            return run
        self.keying_run = KeyingRun(run, render_context(site))
        return self.keying_run

    def remember(self, site: Site, parsed: ParseResult, warnings: tuple[Problem, ...], written: set[str], started: float) -> None:
        """Record the memo and the stamp of the output just published (unless an input changed too recently to trust)."""
        keys = self.keys or (self.keying_run.keys if self.keying_run else {})
        listing = listing_of(written)
        states = path_stats(self.config.output, listing)  # stat every output path once, for the memo and the stamp
        self.memo.save(keys, dict(zip(listing, states)))
        if time.time_ns() - self.inputs.newest <= RACY_NS + int((time.perf_counter() - started) * 1e9):
            write_stamp(self.config.root, None)
            return
        moments = [moment for item in parsed.articles + parsed.pages for moment in (item.date, item.expires)]
        complete = None if None in states else states
        write_stamp(self.config.root, Stamp(self.inputs.digest, state_digest(listing, complete), listing,
                                            earliest_after(moments, site.built_at), len(site.pages), len(site.entries), warnings))

    def settled(self) -> None:
        """Let the parse cache's writer thread finish what it was handed."""
        self.cache.wait()

    def close(self) -> None:
        """Finish writing the parse cache."""
        self.cache.close()
