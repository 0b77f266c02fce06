"""A long-lived build for `serve`: keeps the site model in memory and re-renders only what an edit touches.

Each rebuild runs every stage, but each stage reuses what the previous rebuild computed
wherever its inputs are the same objects or equal values:

- discovery lists content/ in one pass and keeps the previous file records when only
  sizes and times changed (a new, removed or renamed file means a full discovery);
- parsing reuses the record of every file whose size and time did not move;
- assembly reuses every entry whose record and references are unchanged, and recomputes
  "related" and "other" lists only near where a list changed (see assemble.Memo);
- rendering skips every page whose data equals what was last written with the same
  theme and configuration, and writing touches only files whose bytes changed.

The result is byte for byte what a fresh preview build writes (tests/test_incremental.py).
"""

from __future__ import annotations

import gc
import hashlib
import os
import stat
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from collections import ChainMap
from pathlib import Path
from typing import Iterable, Mapping

from .assemble import Memo
from .config import Config, load_config
from .discover import SourceFile, Sources, check_size, classify, discover, is_ignored
from .feeds import render_feeds
from .incremental import RenderContext, render_context, render_lazily
from .model import Page, Site
from .parse import ParseCache
from .pipeline import BuildRequest, cache_folder, files_to_copy, load_everything
from .problems import Problem
from .render import Environment, make_environment, point_at, render_pages
from .stamp import scan
from .theme import TemplateFacts
from .workers import PARALLEL_THRESHOLD, Workers
from .write import WriteReport, check_output, existing_files, write_in_place

Listing = list[tuple[str, int, int, int]]


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
        self.cache: ParseCache | None = None
        self.memo = Memo()
        self.sources: tuple[Path, Listing, Sources] | None = None
        self.rendered: dict[str, Page] = {}
        self.extras: dict[str, bytes] = {}
        self.context: RenderContext | None = None
        self.env: tuple[str, Environment] | None = None
        self.reads: dict[bytes, TemplateFacts] = {}  # what each template (by its text) reads
        self.folder: tuple[int, int] | None = None
        self.frozen = False
        self.records: dict[str, SourceFile] = {}
        self.ignored = lru_cache(maxsize=None)(is_ignored)
        self.positions: tuple[Listing, dict[str, int]] | None = None
        self.site: Site | None = None
        self.feed_names: set[str] = set()

    def rebuild(self, changed: Iterable[str | os.PathLike[str]] | None = None) -> Rebuild:
        """Bring the preview folder up to date with the sources; raises BuildError (and then writes nothing).

        `changed`, when the file watcher can tell, lists every path that changed since the last
        rebuild: then only those files are looked at, not every file under content/.
        """
        collecting = gc.isenabled()
        gc.disable()  # a full collection walks the whole site model: let it run between rebuilds, not during one
        try:
            result = self.update(None if changed is None else [os.fspath(path) for path in changed])
        finally:
            if collecting:
                gc.enable()
        if not self.frozen:
            gc.collect()
            gc.freeze()  # the first build's model lives as long as the session: keep it out of every later collection
            self.frozen = True
        return result

    def update(self, changed: list[str] | None) -> Rebuild:
        """Run one rebuild."""
        started = time.perf_counter()
        config = load_config(self.request.root, self.request.base_url)
        check_output(self.output, config.root)
        folder = cache_folder(config, self.request)
        if self.cache is None or self.cache.folder != folder:
            self.cache = ParseCache(folder, self.memory)
        self.forget_if_replaced()
        with Workers(self.request.jobs) as workers:
            site, warnings, _ = load_everything(config, self.request, self.cache, None if self.rendered else workers,
                                                self.discover(config, changed), self.memo)
            context = render_context(site, self.reads)
            feeds, feed_names = self.feeds(site)
            files = self.render(site, context, feeds, workers)
            copies = files_to_copy(site)
            produced = {page.output for page in site.pages} | feed_names | set(copies)
            self.output.mkdir(parents=True, exist_ok=True)
            report = write_in_place(self.output, files, copies, self.written - produced)
        self.remember(site, context, feeds, feed_names, produced)
        return Rebuild(WriteReport(report.written, len(produced) - report.written), time.perf_counter() - started,
                       len(site.pages), warnings)

    def discover(self, config: Config, changed: list[str] | None) -> Sources:
        """List content/; when only sizes and times changed, update the previous records instead of starting over."""
        previous = self.sources
        listing = self.relist(config.content_dir, changed) if changed is not None else None
        listing = listing if listing is not None else scan(config.content_dir, self.ignored)
        sources = None
        if previous is not None and previous[0] == config.content_dir:
            sources = updated(previous[2], previous[1], listing, self.records, config.content_dir)
        if sources is None:
            sources = discover(config.content_dir, config.root)
            self.records = {record.location: record for group in (sources.articles, sources.pages, sources.assets)
                            for record in group} | ({sources.register.location: sources.register} if sources.register else {})
        self.sources = (config.content_dir, listing, sources)
        return sources

    def relist(self, content_dir: Path, changed: list[str]) -> Listing | None:
        """Update the last listing for the files the watcher named; None if a file appeared, went or is not plain."""
        if self.sources is None or self.sources[0] != content_dir:
            return None
        listing = self.sources[1]
        if self.positions is None or self.positions[0] is not listing:
            self.positions = (listing, {entry[0]: index for index, entry in enumerate(listing)})
        fresh, base = list(listing), str(content_dir) + os.sep
        for path in changed:
            if not path.startswith(base):
                continue  # site.toml or the theme: every rebuild reads them anyway
            name = path[len(base):]
            if self.ignored(os.path.basename(name)):
                continue  # an editor's swap file: no build reads it
            index = self.positions[1].get(name)
            if index is None:
                return None  # a new file or a folder: look at everything
            try:
                info = os.stat(path, follow_symlinks=False)
            except OSError:
                return None
            if not stat.S_ISREG(info.st_mode):
                return None
            fresh[index] = (name, info.st_size, info.st_mtime_ns, 0)
        self.positions = (fresh, self.positions[1])  # the same names at the same places
        return fresh

    def forget_if_replaced(self) -> None:
        """Write everything again if the preview folder was removed or replaced behind our back."""
        try:
            info = os.stat(self.output)
            folder = (info.st_dev, info.st_ino)
        except OSError:
            folder = None
        if folder is None or folder != self.folder:
            # files an earlier session left there are removed unless this build produces them again
            self.rendered, self.extras, self.written, self.site = {}, {}, existing_files(self.output), None

    def feeds(self, site: Site) -> tuple[dict[str, bytes], set[str]]:
        """Render the feeds, sitemap and robots.txt; only the feeds that changed when no page moved or appeared."""
        last = self.site
        if last is None or not same_shape(last, site):
            feeds = render_feeds(site)
            return feeds, set(feeds)
        changed = tuple(new for old, new in zip(last.feeds, site.feeds) if old is not new and old != new)
        rendered = render_feeds(replace(site, feeds=changed, pages=())) if changed else {}
        return {feed.output: rendered[feed.output] for feed in changed}, self.feed_names

    def render(self, site: Site, context: RenderContext, feeds: dict[str, bytes], workers: Workers) -> Mapping[str, bytes]:
        """Render the pages whose data changed (all of them when the theme or configuration did), and pick changed feeds."""
        same = self.context is not None and context.digest == self.context.digest and not context.uses_site
        rendered = self.rendered if same else {}
        pages = [page for page in site.pages if (old := rendered.get(page.output)) is not page and old != page]
        extras = {name: data for name, data in feeds.items() if self.extras.get(name) != digest(data)}
        if len(pages) >= PARALLEL_THRESHOLD:
            return ChainMap(extras, render_lazily(site, pages, context, workers))
        if self.env is None or self.env[0] != context.digest:
            self.env = (context.digest, make_environment(site))
        point_at(self.env[1], site)
        return render_pages(site, pages, self.env[1]) | extras

    def remember(self, site: Site, context: RenderContext, feeds: dict[str, bytes], feed_names: set[str],
                 produced: set[str]) -> None:
        """Note what the preview folder now holds, after a successful write."""
        self.context, self.written, self.site, self.feed_names = context, produced, site, feed_names
        self.rendered = {page.output: page for page in site.pages}
        self.extras = {name: self.extras[name] for name in feed_names if name in self.extras}
        self.extras |= {name: digest(data) for name, data in feeds.items()}
        info = os.stat(self.output)
        self.folder = (info.st_dev, info.st_ino)


def digest(data: bytes) -> bytes:
    """Fingerprint bytes written to the preview."""
    return hashlib.blake2b(data, digest_size=16).digest()


def same_shape(old: Site, new: Site) -> bool:
    """Tell whether two sites have the same configuration, feeds and pages at the same addresses and dates."""
    if old.config != new.config or len(old.pages) != len(new.pages) or len(old.feeds) != len(new.feeds):
        return False
    if any(a.output != b.output for a, b in zip(old.feeds, new.feeds)):
        return False
    return all(a is b or (a.url, a.sitemap, a.date) == (b.url, b.sitemap, b.date) for a, b in zip(old.pages, new.pages))


def updated(sources: Sources, old: Listing, new: Listing, records: dict[str, SourceFile], content_dir: Path) -> Sources | None:
    """Carry new sizes and times into the previous records; None when discovery must look again.

    That is when a file or folder appeared, went or was renamed, a link is involved, or a changed
    file was one discovery had refused (too large, say).
    """
    if len(old) != len(new):
        return None
    changed = [b for a, b in zip(old, new) if a != b]
    if not changed:
        return sources
    fresh: dict[str, SourceFile] = {}
    base = str(content_dir) + "/"
    for (name, size, mtime, kind), before in zip(changed, (a for a, b in zip(old, new) if a != b)):
        record = records.get(base + name)
        if before[0] != name or kind or before[3] or record is None:
            return None
        fresh[record.path] = replace(record, size=size, mtime_ns=mtime)
        if check_size(fresh[record.path], classify(record.path)) is not None:
            return None
    for record in fresh.values():
        records[record.location] = record
    renew = lambda group: tuple(fresh.get(record.path, record) for record in group)  # noqa: E731 - a tiny local rule
    register = fresh.get(sources.register.path, sources.register) if sources.register else None
    return Sources(renew(sources.articles), renew(sources.pages), renew(sources.assets), register, sources.problems)
