"""Teaser cards drawn ahead: found in the templates, rendered once for every worker before the pages.

An article's teaser card appears on about eleven pages (its neighbours' "Các tin khác", the
"Tin liên quan" of articles sharing a directive, its section's, year's and directives' lists),
spread over batches that both workers render: left to the pages, each worker renders most
cards itself, 51,000 renders for 35,000 cards at 10,000 articles. So, before the pages, the
workers render every card the pages will show, once, each its share, and every worker reads
them all back from a temporary file.

Which cards a page shows is the theme's business. It is read from the templates: each call
`teaser_cards(data.<field>, option=...)` names a field of the page's data and options given
as constants, or as `name|default(constant)` where `name` is only ever `set` to constants.
Cards drawn any other way are rendered with their page, as before. A card drawn ahead is the
same HTML its page would render (a card sees only its own values and the globals); one whose
template fails is left to its page, which reports the error with the page's name.
"""

from __future__ import annotations

import inspect
import itertools
import os
import pickle
import tempfile
from typing import Any, Iterable

from jinja2 import nodes

from .model import Page, Site
from .render import TEASER_TEMPLATE, Partials, environment_for
from .tasks import PROTOCOL, TeaserTable, pack, teaser_table
from .workers import Workers, chunked

Options = tuple[Any, ...]  # the values of teaser_card's parameters after `teaser`, in order
Call = tuple[str, dict[str, tuple[Any, ...]]]  # a data field, and for each option given: ("const", v) or ("default", name, v)
TemplateCards = tuple[tuple[Call, ...], dict[str, "frozenset | None"]]  # a template's calls, and the constants it sets
PARAMETERS = tuple(inspect.signature(Partials.teaser_card).parameters.values())[2:]
DEFAULTS: Options = tuple(p.default for p in PARAMETERS)
NAMES = tuple(p.name for p in PARAMETERS)
CARDS_PER_TASK = 2500
_ready: dict[str, tuple[dict[int, int], dict[tuple[Any, ...], bytes]]] = {}  # in a worker: the cards of the build under way


def template_cards(tree: nodes.Template) -> TemplateCards:
    """Find a template's teaser_cards calls on page data, and the constants it `set`s (None: set otherwise)."""
    calls = tuple(call for node in tree.find_all(nodes.Call) if (call := card_call(node)) is not None)
    assigned: dict[str, frozenset | None] = {}
    for node in tree.find_all(nodes.Assign):
        if isinstance(node.target, nodes.Name):
            known = assigned.get(node.target.name, frozenset())
            value = frozenset([node.node.value]) if isinstance(node.node, nodes.Const) else None
            assigned[node.target.name] = None if known is None or value is None else known | value
    return calls, assigned


def card_call(node: nodes.Call) -> Call | None:
    """Read a `teaser_cards(data.<field>, ...)` call; None for any other call, or one drawn in another way."""
    if not (isinstance(node.node, nodes.Name) and node.node.name == "teaser_cards" and node.args):
        return None
    field = data_field(node.args[0])
    given = list(zip(NAMES, node.args[1:])) + [(k.key, k.value) for k in node.kwargs]
    if field is None or node.dyn_args or node.dyn_kwargs or len(node.args) > len(NAMES) + 1:
        return None
    options = {name: option_value(value) for name, value in given}
    if any(name not in NAMES or value is None for name, value in options.items()):
        return None
    return field, options


def data_field(node: nodes.Node) -> str | None:
    """Name the field of the page data a list of teasers comes from: `data.f`, `data.f[...]`, or "" for `data`."""
    if isinstance(node, nodes.Getitem):
        node = node.node
    if isinstance(node, nodes.Name) and node.name == "data":
        return ""
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "data":
        return node.attr
    return None


def option_value(node: nodes.Node) -> tuple[Any, ...] | None:
    """Read an option as a constant, or as `name|default(constant)`; None for anything else."""
    if isinstance(node, nodes.Const):
        return ("const", node.value)
    if (isinstance(node, nodes.Filter) and node.name == "default" and isinstance(node.node, nodes.Name)
            and len(node.args) == 1 and isinstance(node.args[0], nodes.Const) and not node.kwargs):
        return ("default", node.node.name, node.args[0].value)
    return None


def card_options(facts: Iterable[TemplateCards]) -> frozenset[tuple[str, Options]]:
    """Combine the facts of every template into the (field, options) pairs the pages may draw cards with."""
    facts = list(facts)
    assigned: dict[str, frozenset | None] = {}
    for _, names in facts:
        for name, values in names.items():
            known = assigned.get(name, frozenset())
            assigned[name] = None if known is None or values is None else known | values
    found = set()
    for call in (call for calls, _ in facts for call in calls):
        choices = [possible(call[1].get(name), assigned, default) for name, default in zip(NAMES, DEFAULTS)]
        if all(choice is not None for choice in choices):
            found.update((call[0], options) for options in itertools.product(*choices))
    return frozenset(found)


def possible(option: tuple[Any, ...] | None, assigned: dict[str, frozenset | None], default: Any) -> tuple[Any, ...] | None:
    """List the values an option may take; None when they cannot be known."""
    if option is None:
        return (default,)
    if option[0] == "const":
        return (option[1],)
    values = assigned.get(option[1], frozenset())
    return None if values is None else tuple(sorted({option[2], *values}, key=repr))


def wanted_cards(pages: Iterable[Page], calls: frozenset[tuple[str, Options]], places: dict[int, int]) -> list[tuple[int, Options]]:
    """List the cards the pages will draw, once each: a teaser's place in the TeaserTable, and the options."""
    by_field: dict[str, list[Options]] = {}
    for field, options in sorted(calls, key=repr):
        by_field.setdefault(field, []).append(options)
    pages = list(pages)
    wanted: dict[tuple[int, Options], None] = {}
    for field, option_sets in by_field.items():
        shown = {id(teaser) for page in pages
                 if isinstance(teasers := page.data if field == "" else getattr(page.data, field, None), tuple) for teaser in teasers}
        found = sorted(places[shown_id] for shown_id in shown if shown_id in places)
        for options in option_sets:
            wanted.update(dict.fromkeys((place, options) for place in found))
    return list(wanted)


def draw_cards(skeleton: Site, pages: list[Page], context: Any, table: TeaserTable, workers: Workers) -> tuple[str, ...]:
    """Have the workers render every card the pages will draw, each its share; return the files holding them."""
    wanted = wanted_cards(pages, context.cards, table.places)
    tasks = (pack((context.digest, skeleton, [table.teasers[place] for place, _ in chunk], chunk), table)
             for chunk in chunked(wanted, CARDS_PER_TASK))
    return tuple(file for file in workers.stream(render_cards, tasks) if file is not None)


def render_cards(packed: bytes) -> str | None:
    """Render a share of the cards in a worker, write them to a temporary file, and return its name (None if it cannot)."""
    context, skeleton, teasers, wanted = pickle.loads(packed)
    template = environment_for(context, skeleton).get_template(TEASER_TEMPLATE)
    rendered = {}
    for (place, options), teaser in zip(wanted, teasers):
        try:
            rendered[(place, *options)] = template.render(teaser=teaser, **dict(zip(NAMES, options))).encode("utf-8", "surrogatepass")
        except Exception:  # noqa: BLE001 - the page that shows this card will report the error, naming the page
            continue
    try:
        handle, name = tempfile.mkstemp(prefix="bantin-cards-", suffix=".pickle")
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


def remove_cards(files: Iterable[str]) -> None:
    """Delete the files of drawn cards (once every page is rendered)."""
    for file in files:
        try:
            os.unlink(file)
        except OSError:
            pass
