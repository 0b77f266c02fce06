"""Teaser cards drawn ahead (bantin/cards.py, bantin/theme.py): found in the templates, rendered once, shown as the page would render them."""

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
from bantin.cards import ready_cards, render_cards
from bantin.render import environment_for, render_pages, standalone_pages
from bantin.tasks import TeaserTable, pack, teasers_of
from bantin.theme import card_options, drawn_ahead, read_theme, template_cards
from sitekit import REPO, make_site, snapshot
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
    assert set(drawn_ahead(read_theme(site, {})[1])) == {(3, False, True, False), (3, False, False, False), (2, True, True, True),
                                                        (3, True, True, True)}  # not the home page's own lists


@pytest.mark.parametrize("card, drawn", [
    ("<li>{{ teaser.title }} {{ config.title }} {{ site.config.lang }} {{ url(teaser.url) }}</li>", True),
    ("<li>{{ teaser.title }} {{ standalone_pages|length }}</li>", False),
    ("<li>{{ teaser.title }} {{ site.pages|length }}</li>", False),
    ("<li>{% include '_badge.html' %}</li>", False),
    ("<li>{{ cached_partial('_fontsize.html') }}</li>", False),
], ids=["values-and-fixed-globals", "standalone-pages", "site-pages", "include", "partial"])
def test_cards_are_drawn_ahead_only_from_a_card_template_that_needs_no_page(tmp_path: Path, card: str, drawn: bool) -> None:
    root = make_site(tmp_path / "site", many_articles(3))
    (root / "theme/templates").mkdir(parents=True)
    (root / "theme/templates/_teaser.html").write_text(card, encoding="utf-8")
    (root / "theme/templates/_badge.html").write_text("{{ teaser.title }}", encoding="utf-8")
    site = loaded_site(tmp_path / "again", 3)
    site = replace(site, config=replace(site.config, root=root))
    assert bool(drawn_ahead(read_theme(site, {})[1])) is drawn


def test_only_the_templates_a_site_uses_say_which_cards_to_draw(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(3))
    (root / "theme/templates").mkdir(parents=True)
    (root / "theme/templates/article.html").write_text('{% extends "base.html" %}{% block main %}{{ page.title }}{% endblock %}',
                                                       encoding="utf-8")
    site = loaded_site(tmp_path / "again", 3)
    assert set(drawn_ahead(read_theme(replace(site, config=replace(site.config, root=root)), {})[1])) == {
        (2, True, True, True), (3, True, True, True)}  # the default article.html's related and others are hidden


def test_nothing_is_drawn_ahead_when_a_template_reads_the_whole_site(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(3))
    (root / "theme/templates").mkdir(parents=True)
    (root / "theme/templates/_footer.html").write_text("<footer>{{ site.pages|length }} trang</footer>", encoding="utf-8")
    site = loaded_site(tmp_path / "again", 3)
    assert drawn_ahead(read_theme(replace(site, config=replace(site.config, root=root)), {})[1]) == ()


def test_cards_drawn_ahead_are_what_the_pages_show_and_the_pages_use_them(tmp_path: Path) -> None:
    site = loaded_site(tmp_path)
    skeleton = replace(site, entries=(), pages=standalone_pages(site), feeds=(), assets=())
    pages = [page for page in site.pages if page.template == "article.html"]
    expected = render_pages(skeleton, pages, environment_for("plain", skeleton))
    options = drawn_ahead(read_theme(site, {})[1])
    with TeaserTable(teasers_of(site)) as table:
        wanted = [(place, chosen) for place in range(len(table.teasers)) for chosen in options]
        task = (f"cards {table.token}", replace(skeleton, pages=()), [table.teasers[p] for p, _ in wanted], wanted,
                str(tmp_path))
        file = render_cards(pack(task, table))
        try:
            places, drawn = ready_cards((file,), table.token, table.file)
            assert len(drawn) == len(wanted) == 4 * len(site.entries) and len(places) == len(site.entries)
            env = environment_for("pages", skeleton)
            env.partials.places, env.partials.drawn = places, drawn
            assert render_pages(skeleton, pickle.loads(pack(pages, table)), env) == expected
            for key, html in drawn.items():
                drawn[key] = html.replace(b"teaser-title", b"drawn-ahead")
            env.partials.kept.clear()
            again = render_pages(skeleton, pickle.loads(pack(pages, table)), env)
            assert all(b"drawn-ahead" in html and b"teaser-title" not in html for html in again.values())
        finally:
            cards._ready.clear()
            os.unlink(file)


def test_a_theme_whose_cards_need_the_pages_renders_them_with_the_pages(tmp_path: Path) -> None:
    sites = [make_site(tmp_path / name, many_articles(230)) for name in ("two", "one")]
    for root, jobs in zip(sites, ("2", "1")):
        (root / "theme/templates").mkdir(parents=True)
        (root / "theme/templates/_teaser.html").write_text("<li>{{ teaser.title }} ({{ standalone_pages|length }} trang)</li>\n",
                                                           encoding="utf-8")
        (root / "content/pages").mkdir(parents=True, exist_ok=True)
        (root / "content/pages/gioi-thieu.md").write_text("---\ntitle: Giới thiệu\n---\n\nVề bản tin.\n", encoding="utf-8")
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", jobs, "--no-cache"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    assert "(1 trang)" in (sites[0] / "public/tin-tuc/index.html").read_text(encoding="utf-8")
    assert snapshot(sites[0] / "public") == snapshot(sites[1] / "public")


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


def test_a_content_error_found_while_cards_are_drawn_leaves_nothing_behind(tmp_path: Path) -> None:
    files = many_articles(230)
    files["content/tin-tuc/bai-1.md"] = files["content/tin-tuc/bai-1.md"].replace("(../tin-tuc/bai-1.md)", "(../tin-tuc/khong-co.md)")
    root = make_site(tmp_path / "site", files)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", "2"], capture_output=True,
                          text=True, env=dict(os.environ, TMPDIR=str(temporary)), timeout=300)
    assert done.returncode == 1 and "content/tin-tuc/bai-1.md:" in done.stderr and "khong-co.md" in done.stderr
    assert list(temporary.iterdir()) == [] and not (root / "public").exists()
