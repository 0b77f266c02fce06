"""The quick inline pass (bantin/inline.py) gives exactly the HTML of Python-Markdown's stock pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor

from bantin.inline import QuickInlineProcessor, triggers_for
from bantin.markup import Converter

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MARKS = list("`\\[]()!<>&*_'\"-.:;/#|{}~^=@ \n\t") + ["  \n", "---", "--", "...", "**", "__", "![", "[^1]", "&amp;",
                                                    "<b>", "</b>", "<http://a.vn>", "<a@b.vn>", "&#8211;", "&nbsp;", "'s"]
WORDS = ["Chỉ thị", "đảng viên", "05-CT/TW", "Bác Hồ", "“học”", "1990s", "x", "A", "9", "ảnh.png", "https://a.vn"]
LINES = ["# ", "## ", "> ", "* ", "- ", "1. ", "    ", "```\n", ": ", "| a | b |\n|---|---|\n", "[1]: http://a.vn\n",
         "*[HCM]: Hồ Chí Minh\n", "[^1]: chú thích\n", "{: #id .cls }\n", ""]

inline_text = st.lists(st.sampled_from(MARKS + WORDS), max_size=40).map("".join)
document = st.lists(st.tuples(st.sampled_from(LINES), inline_text), max_size=12).map(
    lambda lines: "\n".join(prefix + text for prefix, text in lines))


def stock_converter() -> Converter:
    """Build the article converter, then put Python-Markdown's own inline passes back."""
    converter = Converter(trust_html=False)
    md = converter.md
    for item in list(md.treeprocessors._priority):
        quick = md.treeprocessors[item.name]
        if isinstance(quick, QuickInlineProcessor):
            stock = InlineProcessor(md)
            stock.inlinePatterns = quick.inlinePatterns
            md.treeprocessors.register(stock, item.name, item.priority)
    return converter


QUICK, STOCK = Converter(trust_html=False), stock_converter()


def both(text: str) -> tuple[str, str]:
    """Convert one body with the quick and the stock pass (both through Python-Markdown, never the plain writer)."""
    return QUICK.convert_markdown(text, "a/b.md", 1).html, STOCK.convert_markdown(text, "a/b.md", 1).html


def test_the_article_engine_uses_the_quick_pass_for_both_inline_passes() -> None:
    passes = {name: type(QUICK.md.treeprocessors[name]) for name in ("inline", "smarty")}
    assert passes == {"inline": QuickInlineProcessor, "smarty": QuickInlineProcessor}


def all_patterns() -> list[tuple[str, object]]:
    """List every inline pattern the article engine runs, with its name."""
    found = []
    for name in ("inline", "smarty"):
        registry = QUICK.md.treeprocessors[name].inlinePatterns
        found += [(item.name, registry[item.name]) for item in registry._priority]
    return found


def test_every_pattern_but_none_unknown_gets_a_trigger() -> None:
    unfiltered = [name for name, pattern in all_patterns() if triggers_for(name, pattern) is None]
    assert unfiltered == []


@pytest.mark.parametrize("name, pattern", all_patterns(), ids=[name for name, _ in all_patterns()])
@SETTINGS
@given(text=inline_text)
@example(text="\\\\`code`")
def test_a_pattern_matches_only_text_holding_its_trigger(name: str, pattern, text: str) -> None:
    if pattern.getCompiledRegExp().search(text):
        assert any(trigger in text for trigger in triggers_for(name, pattern)), name


@SETTINGS
@given(text=document)
@example(text="Nói \"không\" -- và 'có'... **đậm** _nghiêng_ `mã` [liên kết](../a/b.md) ![ảnh](x.png \"Chú thích\")")
@example(text="a  \nb &amp; <b>in đậm</b> <https://a.vn> 1990's 'Bác' \"Hồ\"")
def test_generated_markdown_converts_the_same(text: str) -> None:
    quick, stock = both(text)
    assert quick == stock


def test_every_sample_and_golden_article_converts_the_same() -> None:
    files = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "tests").rglob("*.md"))
    assert len(files) > 20
    for file in files:
        text = file.read_text(encoding="utf-8")
        quick, stock = both(text)
        assert quick == stock, file
