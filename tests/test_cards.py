"""Teaser cards drawn ahead (bantin/cards.py): found in the templates, rendered once, shown as the page would render them."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest

from bantin import cards
from bantin.cards import card_options, ready_cards, remove_cards, render_cards, template_cards, wanted_cards
from bantin.incremental import render_context
from bantin.render import environment_for, render_pages, standalone_pages
from bantin.tasks import TeaserTable, pack
from sitekit import REPO, make_site
from test_tasks import loaded_site, many_articles

PLAIN = (3, False, True, True)  # teaser_card's defaults: level, show_picture, show_section, show_summary


def drawn(*templates: str) -> set[tuple[str, tuple]]:
    """Read the cards a theme made of these templates draws."""
    env = jinja2.Environment()
    return set(card_options(template_cards(env.parse(text)) for text in templates))


@pytest.mark.parametrize("template, expected", [
    ("{{ teaser_cards(data.related, show_summary=false) }}", {("related", (3, False, True, False))}),
    ("{{ teaser_cards(data.others, 2, true) }}", {("others", (2, True, True, True))}),
    ("{{ teaser_cards(data.featured[1:], show_section=false) }}", {("featured", (3, False, False, True))}),
    ("{{ teaser_cards(data) }}", {("", PLAIN)}),
    ("{{ teaser_cards(data.latest) }}{{ teaser_cards(data.latest, level=4) }}", {("latest", PLAIN), ("latest", (4, False, True, True))}),
], ids=["keyword", "positional", "slice", "data-itself", "two-calls"])
def test_calls_with_constant_options_are_found(template: str, expected: set) -> None:
    assert drawn(template) == expected


@pytest.mark.parametrize("template", [
    "{% for t in data.blocks %}{{ teaser_cards(t) }}{% endfor %}",  # not a field of the page data
    "{{ teaser_cards(data.related, show_summary=loop.first) }}",  # an option known only while rendering
    "{{ teaser_cards(data.related, show_sumary=false) }}",  # no such option: the page reports it
    "{{ teaser_cards(data.related, **extra) }}",
    "{{ teaser_cards(data.related, 2, true, true, true, true) }}",
    "{{ teaser_card(data.related[0]) }}",  # one card, drawn with its page
], ids=["loop-variable", "runtime-option", "unknown-option", "unpacked-options", "too-many", "single-card"])
def test_calls_drawn_any_other_way_are_left_to_their_pages(template: str) -> None:
    assert drawn(template) == set()


def test_an_option_defaulting_a_name_takes_every_constant_the_theme_sets_it_to() -> None:
    listing = "{{ teaser_cards(data.teasers, level=listing_level|default(2), show_picture=true) }}"
    assert drawn(listing, '{% set listing_level = 3 %}{% include "_listing.html" %}') == {
        ("teasers", (2, True, True, True)), ("teasers", (3, True, True, True))}
    assert drawn(listing, "{% set listing_level = page.level %}") == set()


def test_the_default_theme_draws_related_others_and_list_cards_ahead(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    assert {("related", (3, False, True, False)), ("others", (3, False, False, False)), ("teasers", (2, True, True, True)),
            ("teasers", (3, True, True, True))} <= render_context(site).cards


def test_cards_drawn_ahead_are_what_the_pages_show_and_the_pages_use_them(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    context = render_context(site)
    skeleton = replace(site, entries=(), pages=standalone_pages(site), feeds=(), assets=())
    pages = [page for page in site.pages if page.template == "article.html"]
    expected = render_pages(skeleton, pages, environment_for("plain", skeleton))
    with TeaserTable(site) as table:
        wanted = wanted_cards(pages, context.cards, table.places)
        assert len(wanted) == len(set(wanted)) and {options for _, options in wanted} == {(3, False, True, False), (3, False, False, False)}
        file = render_cards(pack((context.digest, skeleton, [table.teasers[place] for place, _ in wanted], wanted), table))
        try:
            places, drawn = ready_cards((file,), table.token, table.file)
            assert len(drawn) == len(wanted) and len(places) == len(site.entries)
            env = environment_for(context.digest, skeleton)
            env.partials.places, env.partials.drawn = places, drawn
            assert render_pages(skeleton, pickle.loads(pack(pages, table)), env) == expected
            key, html = next(iter(drawn.items()))
            drawn[key] = html.replace(b"teaser-title", b"drawn-ahead")
            env.partials.kept.clear()
            again = render_pages(skeleton, pickle.loads(pack(pages, table)), env)
            assert any(b"drawn-ahead" in html for html in again.values())
        finally:
            remove_cards([file])
            cards._ready.clear()
    assert not os.path.exists(file)


def test_a_card_that_fails_is_reported_with_the_page_that_shows_it(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(230))
    (root / "giao-dien/templates").mkdir(parents=True)
    (root / "giao-dien/templates/_teaser.html").write_text(
        "<li>{% if teaser.title.endswith('229') %}{{ teaser.khong_co }}{% endif %}{{ teaser.title }}</li>\n", encoding="utf-8")
    (root / "site.toml").write_text((root / "site.toml").read_text(encoding="utf-8").replace("[site]\n", '[site]\ntheme = "giao-dien"\n', 1),
                                    encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", "2"], capture_output=True,
                          text=True, env=dict(os.environ, TMPDIR=str(temporary)), timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "giao-dien/templates/_teaser.html:1: Lỗi khi dựng trang /" in done.stderr and "khong_co" in done.stderr
    assert list(temporary.iterdir()) == [] and not (root / "public").exists()
