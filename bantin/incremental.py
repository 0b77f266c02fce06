"""Render only the pages whose inputs changed, and render many pages across the worker processes.

What a page renders to depends on its own data (a Page of the site model), on the theme
(every template and static file), on the configuration, the standalone pages (footer links)
and whether this is a preview: together, the render context. Templates may read the small
parts of the global `site` (config, register, preview, built_at), which join the context;
a template that reads more of it (site.pages...) makes every page depend on everything, so
then nothing is skipped and nothing is rendered in a worker (a worker gets a skeleton site).

The CLI remembers, per output file, the digest of the page it was rendered from and the
file's size and time as written (.bantin/cache/rendered.pickle). A page whose digest and
context are unchanged, and whose file is still as written, is not rendered again: the
write stage links the old file into the new output, like any unchanged copy.
"""

from __future__ import annotations

import os
import pickle
import stat
from collections import OrderedDict, deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from .cards import CardFiles, Drawing, ready_cards
from .digest import Digester
from .model import Page, Site
from .problems import BuildError, Problem
from .render import Environment, environment_for, make_environment, render_pages, standalone_pages, theme_dirs
from .stamp import digest_of, engine_fingerprint
from .tasks import TeaserTable, pack
from .theme import SMALL_SITE_PARTS, TemplateFacts, read_theme
from .workers import IN_FLIGHT, PARALLEL_THRESHOLD, Workers, chunked
from .write import WriteReport, place

PAGES_PER_TASK = 100
MEMO_FILE = "rendered.pickle"


@dataclass(frozen=True)
class RenderContext:
    """Everything a page's rendering depends on besides its own data."""

    digest: str
    uses_site: bool


def render_context(site: Site, known: dict[bytes, TemplateFacts] | None = None) -> RenderContext:
    """Fingerprint the theme, the configuration, the kind of build and what templates read of `site`.

    `known` remembers, by template text, what each template reads (parsing them all takes a while).
    """
    contents, facts = read_theme(site, {} if known is None else known)
    reads = [fact[0] for fact in facts.values()]
    read = set().union(*(r for r in reads if r is not None))
    whole = None in reads or not read <= SMALL_SITE_PARTS
    digester = Digester()
    shown = digester.digest((site.config, standalone_pages(site), tuple(getattr(site, part) for part in sorted(read & SMALL_SITE_PARTS))))
    digest = digest_of(engine_fingerprint(), contents, shown, site.preview,
                       [str(d) for d in theme_dirs(site.config.root, site.config.theme)])
    return RenderContext(digest, whole)


def render_chunk(packed: bytes) -> tuple[dict[str, bytes], tuple[Problem, ...]]:
    """Render a batch of pages in a worker, reusing its environment while the context is the same."""
    return render_unpacked(*pickle.loads(packed))


def render_unpacked(context: str, skeleton: Site, pages: list[Page]) -> tuple[dict[str, bytes], tuple[Problem, ...]]:
    """Render a batch of pages with the worker's environment for this context."""
    try:
        return render_pages(skeleton, pages, environment_for(context, skeleton)), ()
    except BuildError as error:  # sent back as data: the exception itself does not survive pickling
        return {}, error.problems


def render_and_place(packed: bytes) -> tuple[WriteReport, tuple[Problem, ...]]:
    """Render a batch of pages in a worker and write them into the staging folder (see write.place)."""
    context, skeleton, pages, staging, previous, cards = pickle.loads(packed)
    partials = environment_for(context, skeleton).partials
    partials.places, partials.drawn = ready_cards(*cards) if cards else ({}, {})
    rendered, problems = render_unpacked(context, skeleton, pages)
    return (WriteReport(0, 0), problems) if problems else (place(staging, previous, rendered, {}), ())


class Rendering(Mapping[str, bytes]):
    """Pages the workers render: written by the workers themselves, or read one by one (see __getitem__).

    Writing where they are rendered spares the parent process receiving every page and making
    every file, which would make it the slowest process of a large build.
    """

    def __init__(self, site: Site, pages: list[Page], context: RenderContext, workers: Workers, drawing: Drawing,
                 digests: PageDigests | None = None) -> None:
        self.site, self.context, self.workers, self.drawing, self.digests = site, context, workers, drawing, digests
        self.pages = {page.output: page for page in sorted(pages, key=lambda page: page.output)}
        self.skeleton = replace(site, entries=(), pages=standalone_pages(site), feeds=(), assets=())
        self.results: Iterator[tuple[dict[str, bytes], tuple[Problem, ...]]] | None = None
        self.started = False
        self.ready: OrderedDict[str, bytes] = OrderedDict()
        self.env: Environment | None = None

    def chunks(self, pages: list[Page]) -> Iterator[list[Page]]:
        """Split the pages into one batch per task."""
        return iter(chunked(pages, PAGES_PER_TASK))

    def write_into(self, staging: Path, previous: Path) -> WriteReport:
        """Have the workers render every page, with the cards drawn ahead, and write it into the staging folder."""
        pages = sorted(self.pages.values(), key=neighbourhood)
        written, unchanged, problems = 0, 0, ()
        try:
            with self.drawing.teaser_table(self.site) as table:
                cards = self.drawing.cards()
                for report, found in self.workers.stream(render_and_place, self.tasks(pages, table, staging, previous, cards)):
                    written, unchanged, problems = written + report.written, unchanged + report.unchanged, problems or found
        except BaseException:
            self.workers.terminate()  # so that no worker still writes while the unfinished staging folder is removed
            raise
        if problems:
            raise BuildError(problems)
        return WriteReport(written, unchanged)

    def tasks(self, pages: list[Page], table: TeaserTable, staging: Path, previous: Path, cards: CardFiles | None) -> Iterator[bytes]:
        """Pack a task for each batch of pages; digest the pages of the batches sent (see PageDigests) once every worker holds a few."""
        sent: deque[list[Page]] = deque()
        for chunk in self.chunks(pages):
            yield pack((self.context.digest, self.skeleton, chunk, staging, previous, cards), table)
            sent.append(chunk)
            if self.digests is not None and len(sent) > IN_FLIGHT * self.workers.jobs:
                self.digests.add(sent.popleft())
        for chunk in sent if self.digests is not None else ():  # while the workers render the last batches
            self.digests.add(chunk)

    def __getitem__(self, name: str) -> bytes:
        """Return a page's bytes; pages read in output-name order are rendered ahead by the workers, others here."""
        if name not in self.pages:
            raise KeyError(name)
        if not self.started:
            self.started = True
            tasks = (pack((self.context.digest, self.skeleton, chunk)) for chunk in self.chunks(list(self.pages.values())))
            self.results = self.workers.stream(render_chunk, tasks)
        while self.ready and next(iter(self.ready)) < name:
            self.ready.popitem(last=False)
        while name not in self.ready and self.results is not None:
            batch = next(self.results, None)
            if batch is None:
                self.results = None
            elif batch[1]:
                raise BuildError(batch[1])
            else:
                self.ready.update(batch[0])
        if name not in self.ready:
            self.env = self.env or make_environment(self.site)
            return render_pages(self.site, [self.pages[name]], self.env)[name]
        return self.ready[name]

    def __contains__(self, name: object) -> bool:
        return name in self.pages

    def __iter__(self) -> Iterator[str]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)


def neighbourhood(page: Page) -> tuple[str, str, str, str]:
    """Order pages so that those showing the same teasers come together: by kind, section and date."""
    return page.template, page.url.split("/", 2)[1], str(page.date or ""), page.output


def render_lazily(site: Site, pages: list[Page], context: RenderContext, workers: Workers | None,
                  drawing: Drawing | None = None, digests: PageDigests | None = None) -> Mapping[str, bytes]:
    """Render pages as they are written when the workers can do it, else render them all now.

    `digests`, if given, digests each batch of pages once it is on its way to the workers."""
    if context.uses_site or workers is None or workers.jobs <= 1 or len(pages) < PARALLEL_THRESHOLD:
        return render_pages(site, pages)
    return Rendering(site, pages, context, workers, drawing or Drawing(), digests)


class PageDigests:
    """Every page's digest of its data (see digest.py): now, or batch by batch while the workers render.

    A first build, or one after a theme change, keeps no page, so it needs the digests only to
    remember them at the end: working them out between the batches sent to the workers takes
    them off the build's critical path. (A thread did it before, and held the GIL the parent
    needed to send the first batches.)
    """

    def __init__(self, site: Site, parsed: dict[int, tuple[object, str]], meanwhile: bool) -> None:
        self.site, self.parsed = site, parsed
        self.digester: Digester | None = None
        self.value: dict[str, bytes] | None = {}
        if not meanwhile:
            self.add(site.pages)

    def add(self, pages: Iterable[Page]) -> None:
        """Digest the pages not digested yet (all of them are digested by `result`, so this only spreads the work)."""
        if self.value is None:
            return
        if self.digester is None:
            self.digester = Digester(self.parsed)
        try:
            for page in pages:
                if page.output not in self.value:
                    self.value[page.output] = self.digester.digest(page)
        except TypeError:
            self.value = None

    def result(self) -> dict[str, bytes] | None:
        """Return every page's digest; None when some page cannot be digested."""
        self.add(self.site.pages)
        return self.value


class RenderMemo:
    """Which page each output file was rendered from, and how the file looked when written."""

    def __init__(self, folder: Path | None) -> None:
        self.file = folder / MEMO_FILE if folder else None
        self.context, self.pages = "", {}
        try:
            self.context, self.pages = pickle.loads(self.file.read_bytes()) if self.file else ("", {})
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            pass

    def matches(self, context: RenderContext) -> bool:
        """Tell whether the last build rendered with this context, so that some of its pages may be kept."""
        return self.file is not None and not context.uses_site and context.digest == self.context

    def kept(self, context: RenderContext, output: Path, digests: PageDigests | None) -> dict[str, Path]:
        """Return the output files that already hold what their page would render to now."""
        if digests is None or not self.matches(context) or (known := digests.result()) is None:
            return {}
        found = {}
        for name, digest in known.items():
            old = self.pages.get(name)
            if old is not None and old[0] == digest and file_state(output / name) == old[1:]:
                found[name] = output / name
        return found

    def save(self, context: RenderContext, files: dict[str, tuple[int, int]], digests: PageDigests | None) -> None:
        """Remember what the build just wrote (`files`: size and time of each); a memo that cannot be written only costs speed."""
        if self.file is None:
            return
        known = digests.result() if digests is not None and not context.uses_site else None
        pages = {} if known is None else {name: (digest, *files[name]) for name, digest in known.items() if name in files}
        try:
            temporary = self.file.with_name(f"{MEMO_FILE}.{os.getpid()}.tmp")
            temporary.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(pickle.dumps((context.digest, pages), protocol=pickle.HIGHEST_PROTOCOL))
            temporary.replace(self.file)
        except OSError:
            pass


def file_state(path: Path) -> tuple[int, int] | None:
    """Return a regular file's size and modification time, or None."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None
