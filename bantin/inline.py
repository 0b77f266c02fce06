"""A faster pass of Python-Markdown's inline patterns, with output identical to the stock one.

Python-Markdown tries every inline pattern (emphasis, links, code, smart quotes…) on every
run of text, paying several Python calls per pattern even when the text could never match.
Most of an article's text holds none of the characters those patterns need, so the stock
pass spends about half of a conversion proving that nothing matches. This pass skips a
pattern when its trigger (a string that every match must contain) is absent from the text,
and otherwise calls the stock code, so what it produces cannot differ.
`tests/test_inline.py` checks that claim against the stock pass on real and generated Markdown.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown import util
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor

# Every match of the named pattern contains at least one of these strings (read off its regex).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "html": ("<",), "entity": ("&",),
    "linebreak": ("  \n",), "em_strong": ("*", "_"),
    "smarty-ellipses": ("...",), "smarty-en-dashes": ("--",), "smarty-em-dashes": ("---",),
}
QUOTES = ("'", '"')


def triggers_for(name: str, pattern: Pattern) -> tuple[str, ...] | None:
    """Return the strings one of which every match of a pattern contains, or None to always try it."""
    if name in TRIGGERS:
        return TRIGGERS[name]
    if name.startswith("smarty-quotes-"):  # each of smarty's quote rules is built around a literal quote mark
        return tuple(quote for quote in QUOTES if quote in pattern.pattern) or None
    return None


class QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, skipping patterns whose trigger the text lacks."""

    table: list[tuple[Pattern, frozenset[str] | None]] | None = None
    triggers: frozenset[str] = frozenset()

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        """Apply the inline patterns to a parsed document."""
        if self.table is None:  # the registry is complete once the engine is built
            patterns = [(self.inlinePatterns[item.name], item.name) for item in self.inlinePatterns._priority]
            self.table = [(pattern, None if (strings := triggers_for(name, pattern)) is None else frozenset(strings))
                          for pattern, name in patterns]
            self.triggers = frozenset().union(*(triggers for _, triggers in self.table if triggers))
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """Replace the inline syntax in one run of text with placeholders (the stock method's name, so it is used).

        A match only swaps text for a placeholder, which holds no trigger: so the triggers
        present can only shrink, and are looked for again only after a match.
        """
        if isinstance(data, util.AtomicString):
            return data
        present = {trigger for trigger in self.triggers if trigger in data}
        apply = self._InlineProcessor__applyPattern
        for index in range(patternIndex, len(self.table)):
            pattern, triggers = self.table[index]
            start = 0
            while triggers is None or not present.isdisjoint(triggers):  # the stock pass retries a pattern after a match
                data, matched, start = apply(pattern, data, index, start)
                if not matched:
                    break
                present = {trigger for trigger in present if trigger in data}
        return data


def quicken(md: markdown.Markdown) -> None:
    """Swap every inline pass of a built engine (the core one and smarty's) for the quick one."""
    for item in list(md.treeprocessors._priority):
        stock = md.treeprocessors[item.name]
        if type(stock) is InlineProcessor:
            quick = QuickInlineProcessor(md)
            quick.inlinePatterns = stock.inlinePatterns
            md.treeprocessors.register(quick, item.name, item.priority)
