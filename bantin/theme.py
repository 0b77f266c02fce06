"""What the theme's templates read of the site, and which teaser cards they draw: found by parsing them.

Two stages need it. The render context (incremental.py) holds what templates read of the
global `site`. Cards drawn ahead (cards.py) need the options the pages draw teaser cards with,
and whether the card template can be rendered before the pages exist. A template is parsed
once per text, and what was found is kept in a dict the caller holds (`known`).
"""

from __future__ import annotations

import itertools
from dataclasses import fields
from pathlib import Path
from typing import Any, Iterable

import jinja2
from jinja2 import meta, nodes

from .model import Entry, Listing, Site
from .render import CARD_OPTION_DEFAULTS as DEFAULTS, CARD_OPTION_NAMES as NAMES, TEASER_TEMPLATE, make_environment, theme_dirs

Options = tuple[Any, ...]  # the values of teaser_card's parameters after `teaser`, in order
Call = tuple[str, dict[str, tuple[Any, ...]]]  # a data field, and for each option given: ("const", v) or ("default", name, v)
TemplateCards = tuple[tuple[Call, ...], dict[str, "frozenset | None"]]  # a template's calls, and the constants it sets
TemplateFacts = tuple["set[str] | None", TemplateCards, "frozenset[str] | None"]  # reads of site, cards, names it needs
SMALL_SITE_PARTS = frozenset({"config", "register", "preview", "built_at"})  # what a worker's skeleton site holds
ARTICLE_FIELDS = frozenset(f.name for kind in (Entry, Listing) for f in fields(kind))  # data of the pages there are many of
CARD_GLOBALS = frozenset({"config", "url", "absolute_url", "static_url", "preview", "menu_current"})  # the same before pages exist
INCLUDING = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)


def theme_files(site: Site) -> list[tuple[str, Path]]:
    """List every template and static file of the theme folders, the site's own first, each with its name ("templates/base.html")."""
    files = []
    for folder in theme_dirs(site.config.root, site.config.theme):
        for part in ("templates", "static"):
            base = folder / part
            files += [(f"{part}/{f.relative_to(base).as_posix()}", f) for f in sorted(base.rglob("*")) if f.is_file()] if base.is_dir() else []
    return files


def read_theme(site: Site, known: dict[bytes, TemplateFacts]) -> tuple[list[tuple[str, bytes]], dict[str, TemplateFacts]]:
    """Read every theme file; return them, and the facts of each template the site uses by name (a site's own hides the default's).

    Only texts not `known` are parsed.
    """
    files = theme_files(site)
    contents = [(str(file), file.read_bytes()) for _, file in files]
    if any(data not in known for (name, _), (_, data) in zip(files, contents) if name.startswith("templates/")):
        probe = make_environment(site)
        probe.globals.clear()  # names found among the globals are not reported as undeclared
        known.update({data: template_facts(probe, data) for (name, _), (_, data) in zip(files, contents)
                      if name.startswith("templates/") and data not in known})
    facts: dict[str, TemplateFacts] = {}
    for (name, _), (_, data) in zip(files, contents):
        if name.startswith("templates/"):
            facts.setdefault(name.removeprefix("templates/"), known[data])
    return contents, facts


def template_facts(env: jinja2.Environment, data: bytes) -> TemplateFacts:
    """Parse a template once for what it reads of `site`, the cards it draws, and the names it needs (None: it includes others)."""
    try:
        tree = env.parse(data.decode("utf-8"))
    except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
        return None, ((), {}), None
    undeclared = frozenset(meta.find_undeclared_variables(tree))
    needs = None if any(True for _ in tree.find_all(INCLUDING)) else undeclared
    return site_reads(tree, undeclared), template_cards(tree), needs


def site_reads(tree: nodes.Template, undeclared: frozenset[str]) -> set[str] | None:
    """Return the parts of `site` a template reads (site.config...); None if it uses `site` in another way."""
    if "site" not in undeclared:
        return set()
    uses = sum(1 for name in tree.find_all(nodes.Name) if name.name == "site")
    parts = [node.attr for node in tree.find_all(nodes.Getattr) if isinstance(node.node, nodes.Name) and node.node.name == "site"]
    return set(parts) if len(parts) == uses else None


def drawn_ahead(facts: dict[str, TemplateFacts]) -> tuple[Options, ...]:
    """List the options every article's card is drawn with ahead; none when the card template needs the pages.

    Those are the options of calls on the data of articles and lists. The card template may
    read only its values and globals that are the same before the pages exist. Nothing is drawn
    when a template reads more of `site` than its small parts: then the main process renders
    every page itself (see incremental.py).
    """
    reads = [fact[0] for fact in facts.values()]
    if None in reads or not set().union(*reads) <= SMALL_SITE_PARTS:
        return ()
    card = facts.get(TEASER_TEMPLATE)
    if card is None or card[2] is None or not card[2] <= CARD_GLOBALS | {"teaser", *NAMES, "site"}:
        return ()
    if "site" in card[2] and (card[0] is None or not card[0] <= SMALL_SITE_PARTS):
        return ()
    found = card_options(fact[1] for fact in facts.values())
    return tuple(sorted({options for field, options in found if field in ARTICLE_FIELDS}, key=repr))


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
