"""Everything a build does only to be quick, behind three seams the pipeline hands to the stages.

- the **executor** (executor.py) runs a stage's work in this process or on worker processes;
- the **store** (store.py) keeps what lasts between builds in .bantin/: the parse cache, the
  output memo, the stamp of the last build, the spare site to recycle, the encoded image
  variants (keptimages.py), the search indexes (keptindexes.py) and the compiled templates
  (kepttemplates.py);
- the **patcher** (patcher.py) keeps a warm site model for `serve` and brings it up to date.

Beside them, three quicker ways to results the libraries give, each proven equal to its library
by the tests: plain Markdown written directly (plain.py), Python-Markdown narrowed to the
inline patterns a body can use (narrowing.py), and Vietnamese slugs (quickslugs.py).

The stages never import this package. `Speed.reference()` is the build with none of it:
one process, nothing kept, no quicker ways; `--jobs 1 --no-cache` asks for it, and its output
is byte for byte the fast build's (tests/test_reference.py).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..stages.config import Config
from ..stages.content import ParseJob, ParseMany, Parsed, ParseSettings, parse_job, parse_serially
from ..stages.model import Output, Site
from ..stages.render import Kept, Run
from ..stages.write import Staging, StagingReport
from .executor import SerialExecutor, WorkerPool
from .keptimages import KeptImages
from .keptindexes import KeptSearchIndexes
from .memo import RecentPartials
from .narrowing import shape_of
from .plain import PlainWriter
from .quickslugs import quick_slugify
from .store import Store


@dataclass
class Speed:
    """The executor and the store of one build, and whether the quicker ways are taken."""

    executor: SerialExecutor
    store: Store | None
    quick: bool
    collecting: bool = field(default=False, init=False)

    @classmethod
    def for_build(cls, config: Config, jobs: int, use_cache: bool, shape: tuple[Any, ...]) -> Speed:
        """Choose the machinery for a build: `jobs` processes, the store unless `use_cache` is off.

        One process and no cache is the reference build (see the module's docstring).
        """
        if jobs <= 1 and not use_cache:
            return cls.reference()
        executor = WorkerPool(jobs) if jobs > 1 else SerialExecutor()
        return cls(executor, Store(config, executor, shape) if use_cache else None, quick=True)

    @classmethod
    def reference(cls) -> Speed:
        """The build with no machinery: one process, nothing kept between builds, the libraries' own ways."""
        return cls(SerialExecutor(), None, quick=False)

    @property
    def spare(self) -> Path | None:
        """Return where the site a build replaces is kept for the next one to recycle (None: it is deleted)."""
        return self.store.spare if self.store is not None else None

    def start(self) -> None:
        """Fork the workers now, while this process holds nothing but the configuration."""
        self.executor.start()

    def parse_settings(self, config: Config) -> ParseSettings:
        """Return the parse settings, with the quicker slugs, plain-Markdown writer and narrowed engines unless this is the reference."""
        if not self.quick:
            return ParseSettings(config.timezone, config.trust_html)
        return ParseSettings(config.timezone, config.trust_html, quick_slugify, PlainWriter, shape_of)

    @property
    def parse_many(self) -> ParseMany:
        """Return how the parse stage parses its files: through the cache and the executor, or one by one."""
        if self.store is not None:
            return self.store.parser
        if isinstance(self.executor, WorkerPool):
            return lambda jobs, settings: self.executor.run(parse_one, jobs, settings, identity)
        return parse_serially

    def run(self, site: Site) -> Run:
        """Return how the render stage runs its batches: on workers forked with the site model in memory, keying every
        output where it is made when the store will remember them."""
        if self.store is not None:
            self.store.settled()  # no thread of ours is writing while the workers are forked
            return self.store.keying(site, self.executor.forked)
        return self.executor.forked

    @property
    def kept(self) -> Kept:
        """Return what the render keeps: each process's partials (unless this is the reference build), and the image
        variants, search indexes and compiled templates between builds (with the store)."""
        if self.store is None:
            return Kept(RecentPartials if self.quick else None)
        return Kept(RecentPartials, KeptImages(self.store.folder), KeptSearchIndexes(self.store.folder), self.store.templates)

    def keep_unchanged(self, site: Site, outputs: tuple[Output, ...], stage: Staging) -> tuple[list[Output], StagingReport]:
        """Link the outputs the last build made just so into the staging folder; return the others, to make."""
        if self.store is None:
            return list(outputs), StagingReport()
        return self.store.keep_unchanged(site, outputs, stage)

    def __enter__(self) -> Speed:
        self.collecting = gc.isenabled()
        gc.disable()  # a full collection walks the whole site model, again and again while it is made: a fifth of the time
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        try:
            self.executor.close() if kind is None else self.executor.terminate()
        finally:
            if self.store is not None:
                self.store.close()
            if self.collecting:
                gc.enable()


def identity(value: Any) -> Any:
    """Return `value` (what a worker prepares of parse settings)."""
    return value


def parse_one(settings: ParseSettings, job: ParseJob) -> Parsed:
    """Parse one job with its settings (in a worker)."""
    return parse_job(job, settings)
