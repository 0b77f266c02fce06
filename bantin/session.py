"""A long-lived build for `serve`: keeps parsed articles in memory and rewrites only changed files."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from .config import load_config
from .parse import ParseCache
from .pipeline import BuildRequest, cache_folder, load_site, render_site
from .problems import Problem
from .write import WriteReport, check_output, write_in_place


@dataclass(frozen=True)
class Rebuild:
    """What one preview rebuild did."""

    report: WriteReport
    seconds: float
    pages: int
    warnings: tuple[Problem, ...]


class PreviewSession:
    """Rebuild a site again and again into one preview folder, as fast as the edit allows."""

    def __init__(self, request: BuildRequest, output: Path) -> None:
        self.request = replace(request, preview=True)
        self.output = output
        self.memory: dict = {}
        self.written: set[str] = set()

    def rebuild(self) -> Rebuild:
        """Build the site from scratch in memory and write what changed; raises BuildError."""
        started = time.perf_counter()
        config = load_config(self.request.root, self.request.base_url)
        check_output(self.output, config.root)
        cache = ParseCache(cache_folder(config, self.request), self.memory)
        site, warnings = load_site(config, self.request, cache)
        files, copies = render_site(site)
        self.output.mkdir(parents=True, exist_ok=True)
        report = write_in_place(self.output, files, copies, self.written)
        self.written = set(files) | set(copies)
        return Rebuild(report, time.perf_counter() - started, len(site.pages), warnings)
