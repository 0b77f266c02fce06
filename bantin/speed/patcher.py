"""The serve patcher: a warm site model for `serve`, brought up to date after each edit in time proportional to it.

Each rebuild runs the build's stages on what changed:

- discovery updates the previous file records when the watcher names the files that changed
  and only their sizes and times moved (a new, removed or renamed file means a full discovery);
- parsing reuses the result of every file whose record is the same object as last time;
- assembly patches the last site model when an edit changed only what articles say (their
  body, not their place, title, summary or links to them); anything else assembles anew;
- every declared output is keyed (outputmemo.OutputKeys, each record digested once), and only
  outputs whose key changed are made again; only files whose bytes changed are written.

So a new kind of output, declared in stages.outputs, is kept fresh here with no code of its
own. The result is byte for byte what a fresh preview build writes (tests/test_incremental.py).
"""

from __future__ import annotations

import gc
import os
import stat
import time
from datetime import datetime
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..pipeline import BuildRequest, assemble_site, check_outputs, options_for, read_register
from ..problems import Problem
from ..stages.assemble import Options, make_targets, next_change, place, visible
from ..stages.config import Config, load_config
from ..stages.content import Article, ParseJob, ParseResult, ParseSettings, Parsed, parse_all
from ..stages.discover import SourceFile, Sources, check_size, classify, discover, is_ignored
from ..stages.links import Targets
from ..stages.model import SearchIndex
from ..stages.references import linked_targets
from ..stages.search import RECENT_FOLDER
from ..stages.model import Entry, Output, Site
from ..stages.outputs import declare_outputs
from ..stages.pages import article_page
from ..stages.render import render
from ..stages.destination import check_output
from ..stages.write import PreviewFolder, StagingReport, existing_files
from . import Speed
from .executor import PARALLEL_THRESHOLD
from .outputmemo import OutputKeys, render_context
from .parsecache import RACY_NS
from .stamp import access_of, scan

Listing = list[tuple[str, int, int, int, int]]  # as stamp.scan lists: name, size, time, kind, access
PATH = attrgetter("path")


@dataclass(frozen=True)
class Rebuild:
    """What one preview rebuild did."""

    report: StagingReport
    seconds: float
    pages: int
    warnings: tuple[Problem, ...]


@dataclass
class Assembled:
    """The last site model and what an edit inside some articles needs to patch it."""

    config: Config
    options: Options
    articles: tuple[Article, ...]
    pages: tuple[Article, ...]
    assets: tuple[tuple[str, int, int], ...]
    targets: Targets
    valid_until: Any
    site: Site
    warnings: tuple[Problem, ...]
    paths: list[str] = field(init=False)  # the articles' paths, in order (a patch keeps them)
    entry_at: dict[str, int] = field(init=False)  # where each article's entry sits in the site (a patch keeps every place)
    page_at: dict[str, int] = field(init=False)  # where each article's page sits

    def __post_init__(self) -> None:
        # worked out now, with the full assembly, rather than on the first edit, which would wait for them
        self.paths = list(map(PATH, self.articles))
        self.entry_at = {entry.article.path: index for index, entry in enumerate(self.site.entries)}
        self.page_at = {page.source: index for index, page in enumerate(self.site.pages) if page.template == "article.html"}


class PreviewSession:
    """Rebuild a site again and again into one preview folder, as fast as the edit allows."""

    def __init__(self, request: BuildRequest, output: Path) -> None:
        self.request = replace(request, preview=True)
        self.output = output
        self.speed: Speed | None = None
        self.parsed: dict[str, tuple[SourceFile, Parsed]] = {}
        self.sources: tuple[Path, Listing, Sources] | None = None
        self.records: dict[str, SourceFile] = {}
        self.positions: tuple[Listing, dict[str, int]] | None = None
        self.ignored = lru_cache(maxsize=None)(is_ignored)
        self.last: Assembled | None = None
        self.keys: dict[str, bytes] = {}
        self.keyer: OutputKeys | None = None
        self.renderer: tuple[bytes, Any] | None = None
        self.folder: tuple[int, int] | None = None
        self.frozen = False
        self.search = RecentSearch()

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
        """Run one rebuild: the build's stages, on what changed."""
        started = time.perf_counter()
        config = load_config(self.request.root, self.request.base_url)
        check_output(self.output, config.root)
        self.forget_if_replaced()
        if self.speed is None or (self.speed.store is not None and self.speed.store.config.root != config.root):
            self.speed = Speed.for_build(config, self.request.jobs, self.request.use_cache, self.request.shape)
            self.speed.start()
        sources = self.discover(config, changed)
        parsed = parse_all(sources, self.speed.parse_settings(config), self.parse_many)
        options = options_for(self.request, self.request.now or datetime.now(config.tz))
        site, warnings = self.patched(config, sources, parsed, options) or self.assembled(config, sources, parsed, options)
        outputs = declare_outputs(site)
        names = {o.output for o in outputs}
        if names != self.keys.keys():  # the same names as last time passed the same check
            check_outputs(self.output, outputs)
        todo, keys = self.outdated(site, outputs)
        todo = [self.search.recent(o) if isinstance(o, SearchIndex) else o for o in todo]
        self.output.mkdir(parents=True, exist_ok=True)
        folder = PreviewFolder(self.output)
        report = render(site, todo, folder, self.run, self.speed.kept)
        bundles = tuple(name for name in names if name.endswith("/"))  # a folder output (the search index) owns its files
        folder.remove(name for name in set(self.keys) - names if not name.startswith(bundles))
        self.keys = keys
        info = os.stat(self.output)
        self.folder = (info.st_dev, info.st_ino)
        return Rebuild(StagingReport(report.written, len(outputs) - report.written, report.names), time.perf_counter() - started,
                       len(site.pages), warnings)

    # ------------------------------------------------------------------ discover

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
            fresh[index] = (name, info.st_size, info.st_mtime_ns, 0, access_of(info))
        self.positions = (fresh, self.positions[1])  # the same names at the same places
        return fresh

    # ------------------------------------------------------------------ parse

    def parse_many(self, jobs: Sequence[ParseJob], settings: ParseSettings) -> list[Parsed]:
        """Reuse the result of every file whose record did not change; parse the rest as a build does.

        A file saved within RACY_NS of being parsed may change again without its size or time
        moving, so its result is not trusted for reuse.
        """
        known = self.parsed
        fresh = [job for job in jobs if (last := known.get(job.source.path)) is None or last[0] is not job.source]
        parse = self.speed.store.parser.parse_some if self.speed.store else self.speed.parse_many
        now = time.time_ns()
        for job, result in zip(fresh, parse(fresh, settings) if fresh else ()):
            known[job.source.path] = (job.source if now - job.source.mtime_ns > RACY_NS else None, result)
        if len(known) != len(jobs):  # files went: forget them
            self.parsed = known = {job.source.path: known[job.source.path] for job in jobs}
        return [known[job.source.path][1] for job in jobs]

    # ------------------------------------------------------------------ assemble

    def assembled(self, config: Config, sources: Sources, parsed: ParseResult, options: Options) -> tuple[Site, tuple[Problem, ...]]:
        """Assemble the site anew, and remember what a later patch needs."""
        site, warnings = assemble_site(config, sources, parsed, options)
        shown = [a for a in parsed.articles if visible(a, options)]
        shown_pages = [p for p in parsed.pages if visible(p, options)]
        targets = make_targets(config, shown, shown_pages, list(parsed.articles + parsed.pages), sources.assets)
        self.last = Assembled(config, options, parsed.articles, parsed.pages, asset_states(sources), targets,
                              next_change(list(parsed.articles + parsed.pages), options.now), site, warnings)
        self.keyer = None  # every record of the model is new: digest it afresh
        return site, warnings

    def patched(self, config: Config, sources: Sources, parsed: ParseResult, options: Options) -> tuple[Site, tuple[Problem, ...]] | None:
        """Patch the last site when only what some articles say has changed; None when it must be assembled anew."""
        last = self.last
        if last is None or not same_frame(last, config, sources, parsed, options) or parsed.problems:
            return None
        changed = [(old, new) for old, new in zip(last.articles, parsed.articles) if old is not new]
        if any(structure(old) != structure(new) for old, new in changed):
            return None
        register, _ = read_register(sources)
        if register != last.site.register:
            return None
        site, warnings = last.site, list(last.warnings)
        entries, pages = list(site.entries), list(site.pages)
        where, page_at = last.entry_at, last.page_at
        swapped: dict[int, Entry] = {}
        for _, article in changed:
            if article.path not in where:
                continue  # not shown in this build
            old = entries[where[article.path]]
            found: list[Problem] = []
            entry = place(article, config, register, last.targets, options, found)
            if entry.teaser != old.teaser or entry.links != old.links or linked_targets(article.body_html) != linked_targets(old.article.body_html):
                return None  # a new image needs its variants declared, a new link may publish an original: assemble anew
            entries[where[article.path]] = swapped[id(old)] = replace(entry, related=old.related, others=old.others)
            warnings = [p for p in warnings if p.path != f"content/{article.path}"] + found
            if (index := page_at.get(f"content/{article.path}")) is not None:
                pages[index] = article_page(swapped[id(old)])
        feeds = tuple(replace(f, entries=tuple(swapped.get(id(e), e) for e in f.entries)) if any(id(e) in swapped for e in f.entries)
                      else f for f in site.feeds)
        site = replace(site, entries=tuple(entries), pages=tuple(pages), feeds=feeds, built_at=options.now)
        last.site, last.articles, last.warnings = site, parsed.articles, tuple(warnings)
        return site, tuple(warnings)

    # ------------------------------------------------------------------ render

    def outdated(self, site: Site, outputs: tuple[Output, ...]) -> tuple[list[Output], dict[str, bytes]]:
        """Key every output; return those whose key changed since the last rebuild (all, when the context changed)."""
        context = render_context(site)
        if self.keyer is None or self.keyer.context != context:
            self.keyer = OutputKeys(context)
        todo, keys = self.keyer.changed(outputs, self.keys)
        return todo, keys | dict.fromkeys((o.output for o in site.assets), b"")  # copied files: the writer compares them

    def run(self, work: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any, prepare: Callable[[Any], Any]) -> Iterator[Any]:
        """Make a few outputs here with the renderer of the last rebuild (while the context holds), many on the workers."""
        if len(items) >= PARALLEL_THRESHOLD:
            return self.speed.executor.forked(work, items, shared, prepare)
        context = self.keyer.context if self.keyer else b""
        if self.renderer is None or self.renderer[0] != context:
            self.renderer = (context, prepare(shared))
        prepared = self.renderer[1]
        return (work(prepared, item) for item in items)

    def forget_if_replaced(self) -> None:
        """Write everything again if the preview folder was removed or replaced behind our back."""
        try:
            info = os.stat(self.output)
            folder = (info.st_dev, info.st_ino)
        except OSError:
            folder = None
        if folder is None or folder != self.folder:
            # files an earlier session left there are removed unless this build produces them again
            self.keys = dict.fromkeys(existing_files(self.output), b"")

    def close(self) -> None:
        """Stop the workers and finish writing the cache."""
        if self.speed is not None:
            self.speed.__exit__(None)


class RecentSearch:
    """Keep the preview's search index fresh in milliseconds: the full index is built once, and each later
    rebuild indexes only the articles edited since, into pagefind-recent/, which the search page merges in
    (it prefers those, and hides what was deleted). Rebuilding the whole index would take seconds per save."""

    def __init__(self) -> None:
        self.base: dict[str, tuple[object, ...]] | None = None  # url -> what its record is made from, in the full index

    def recent(self, index: SearchIndex) -> SearchIndex:
        """Return the output to make for a changed index: itself the first time, then the articles changed since."""
        shown = {entry.url: (entry.article, entry.section, entry.directives) for entry in index.entries}
        if self.base is None:
            self.base = shown
            return index
        changed = tuple(e for e in index.entries if not same_record(self.base.get(e.url), shown[e.url]))
        gone = tuple(sorted(set(self.base) - set(shown)))
        return replace(index, output=RECENT_FOLDER, entries=changed, replaces=tuple(e.url for e in changed) + gone)


def same_record(old: tuple[object, ...] | None, new: tuple[object, ...]) -> bool:
    """Tell whether an entry's record is made from the same article (the same parse), section and directives."""
    return old is not None and old[0] is new[0] and old[1:] == new[1:]


def asset_states(sources: Sources) -> tuple[tuple[str, int, int], ...]:
    """The files copied as they are, with their sizes and times."""
    return tuple((s.path, s.size, s.mtime_ns) for s in sources.assets)


def structure(article: Article) -> tuple:
    """The fields that decide where an article appears and what links to it (everything but what it says)."""
    return (article.path, article.kind, article.status, article.date, article.expires, article.slug, article.section,
            article.directives, article.related, article.featured, article.aliases, article.external_url,
            article.title, article.summary, article.image, article.image_alt, article.image_caption)


def same_frame(last: Assembled, config: Config, sources: Sources, parsed: ParseResult, options: Options) -> bool:
    """Tell whether the last site still has the same configuration, articles, pages, files and time window."""
    return (config == last.config and len(parsed.articles) == len(last.articles) and asset_states(sources) == last.assets
            and replace(options, now=last.options.now) == last.options and options.now >= last.options.now
            and (last.valid_until is None or options.now < last.valid_until)
            and len(parsed.pages) == len(last.pages) and all(a is b for a, b in zip(parsed.pages, last.pages))
            and list(map(PATH, parsed.articles)) == last.paths)


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
    for (name, size, mtime, kind, access), before in zip(changed, (a for a, b in zip(old, new) if a != b)):
        record = records.get(base + name)
        if before[0] != name or kind or before[3] or access != before[4] or record is None:  # new access: discovery decides
            return None
        fresh[record.path] = replace(record, size=size, mtime_ns=mtime)
        if check_size(fresh[record.path], classify(record.path)) is not None:
            return None
    for record in fresh.values():
        records[record.location] = record
    renew = lambda group: tuple(fresh.get(record.path, record) for record in group)  # noqa: E731 - a tiny local rule
    register = fresh.get(sources.register.path, sources.register) if sources.register else None
    return Sources(renew(sources.articles), renew(sources.pages), renew(sources.assets), register, sources.problems)
