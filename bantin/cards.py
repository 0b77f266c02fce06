"""Teaser cards drawn ahead: every article's cards, rendered once, while the rest of the site model is built.

An article's teaser card appears on about eleven pages (its neighbours' "Các tin khác", the
"Tin liên quan" of articles sharing a directive, its section's, year's and directives' lists),
spread over batches that both workers render: left to the pages, each worker renders most
cards itself, about 57,000 renders for 35,000 cards at 10,000 articles. So as soon as the
articles are placed (see assemble), the workers, idle until the pages exist, draw every
article's card with each option set the templates use on article and list data (see
theme.drawn_ahead), each worker its share, into a temporary folder every worker reads back.

A drawn card is the HTML its page would render: a card sees only its own values and globals
that are the same before the pages exist (theme.py checks the card template for that, and
draws nothing ahead when it reads more). A card whose template fails is left to its page,
which reports the error with the page's name. A card no page shows costs a little time.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime
from typing import Any, Callable, ContextManager

from .config import Config
from .directives import Register
from .model import Site, Teaser
from .render import TEASER_TEMPLATE, card_values, environment_for
from .tasks import PROTOCOL, TeaserTable, pack, teaser_table, teasers_of
from .theme import TemplateFacts, drawn_ahead, read_theme
from .workers import PARALLEL_THRESHOLD, Workers, chunked

CARDS_PER_TASK = 2500
CardFiles = tuple[tuple[str, ...], str, str]  # the files of drawn cards, the build's token, its teaser table's file
_ready: dict[str, tuple[dict[int, int], dict[tuple[Any, ...], bytes]]] = {}  # in a worker: the cards of the build under way


class Drawing:
    """The cards drawn ahead for one build, with its teaser table, in a temporary folder deleted when the build ends.

    Used as the outer context of the build's Workers, so the folder goes only once no worker can write to it.
    """

    def __init__(self, ahead: bool = True) -> None:
        self.ahead = ahead  # False when most pages will be kept from the last build: drawing every card would be waste
        self.known: dict[bytes, TemplateFacts] = {}  # each template's facts, by text; the render context reuses them
        self.folder: str | None = None
        self.table: TeaserTable | None = None
        self.waiting: Callable[[], list[str | None]] | None = None
        self.reading: Future[object] | None = None

    def read_theme_meanwhile(self, config: Config, workers: Workers, articles: int) -> None:
        """Parse the theme's templates in a thread while the workers parse the articles (they fork first).

        Cards and the render context need what the templates read, and parsing them all would
        otherwise hold up the workers between parsing and drawing. Whatever goes wrong here is
        met again, and reported, when the facts are used (see theme_facts).
        """
        if not self.ahead or articles < PARALLEL_THRESHOLD or not workers.start().running:
            return
        probe = Site(config, Register((), ()), (), (), (), (), datetime.now(config.tz), False)
        pool = ThreadPoolExecutor(1, thread_name_prefix="theme")
        self.reading = pool.submit(read_theme_quietly, probe, self.known)
        pool.shutdown(wait=False)  # the thread ends with its one task

    def theme_facts(self) -> dict[bytes, TemplateFacts]:
        """Return the templates' facts found so far, once the thread reading them is done."""
        if self.reading is not None:
            self.reading.result()
            self.reading = None
        return self.known

    def start(self, skeleton: Site, teasers: tuple[Teaser, ...], workers: Workers) -> None:
        """Have the workers draw every article's cards, as soon as the teasers exist (`skeleton` has no entries or pages yet)."""
        if not self.ahead or not workers.running or len(teasers) < PARALLEL_THRESHOLD:
            return
        options = drawn_ahead(read_theme(skeleton, self.theme_facts())[1])
        if not options:
            return
        self.folder = tempfile.mkdtemp(prefix="bantin-cards-")
        self.table = TeaserTable(teasers, self.folder)
        key = f"cards {self.table.token}"
        wanted = [(place, chosen) for place in range(len(self.table.teasers)) for chosen in options]
        tasks = [pack((key, skeleton, [self.table.teasers[place] for place, _ in chunk], chunk, self.folder), self.table)
                 for chunk in chunked(wanted, CARDS_PER_TASK)]
        self.waiting = workers.start_map(render_cards, tasks)

    def teaser_table(self, site: Site) -> ContextManager[TeaserTable]:
        """Return the build's teaser table: the one the cards were drawn with, else a new one."""
        return nullcontext(self.table) if self.table is not None else TeaserTable(teasers_of(site))

    def cards(self) -> CardFiles | None:
        """Wait for the cards to be drawn; return where a page task finds them, or None when none were."""
        files = tuple(file for file in (self.waiting() if self.waiting else ()) if file is not None)
        return (files, self.table.token, self.table.file) if files and self.table else None

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, *_: object) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def read_theme_quietly(probe: Site, known: dict[bytes, TemplateFacts]) -> None:
    """Fill `known` with the theme's templates' facts, ignoring any error (the build meets it again)."""
    try:
        read_theme(probe, known)
    except Exception:  # noqa: BLE001 - a missing or broken theme is reported where the facts are used
        pass


def render_cards(packed: bytes) -> str | None:
    """Render a share of the cards in a worker, write them to a file in the drawing's folder, and return its name (None if it cannot)."""
    key, skeleton, teasers, wanted, folder = pickle.loads(packed)
    template = environment_for(key, skeleton).get_template(TEASER_TEMPLATE)
    rendered = {}
    for (place, options), teaser in zip(wanted, teasers):
        try:
            html = template.render(**card_values(teaser, options))
        except Exception:  # noqa: BLE001 - the page that shows this card will report the error, naming the page
            continue
        rendered[(place, *options)] = html.encode("utf-8", "surrogatepass")
    try:
        handle, name = tempfile.mkstemp(prefix="cards-", suffix=".pickle", dir=folder)
        with os.fdopen(handle, "wb") as out:
            pickle.dump(rendered, out, protocol=PROTOCOL)
    except OSError:
        return None
    return name


def ready_cards(files: tuple[str, ...], token: str, table: str) -> tuple[dict[int, int], dict[tuple[Any, ...], bytes]]:
    """Return the places of this build's teasers and the cards drawn ahead, as Partials wants them (in a worker)."""
    ready = _ready.get(token)
    if ready is None:
        _ready.clear()
        places, drawn = {id(teaser): place for place, teaser in enumerate(teaser_table(table, token))}, {}
        for file in files:
            with open(file, "rb") as data:
                drawn.update(pickle.load(data))
        ready = _ready[token] = (places, drawn)
    return ready
