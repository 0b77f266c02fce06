"""Python-Markdown narrowed to what a body can use: the library's own engine, without the inline patterns it cannot match.

Python-Markdown tries each of its inline patterns on every run of text of a document, then
smarty tries eighteen more in a second pass: about 1,100 regular-expression searches for a
700-word article, most of the time it spends on one. Every one of those patterns needs a mark
in the text it matches (emphasis a `*` or `_`, a link a `[`, a smart quote a quote, a dash
`--`). The text those passes see is the body's own, cut into pieces, with Python-Markdown's
placeholders (control characters, letters, digits) where it has set something aside. So a
pattern whose marks are nowhere in a body never matches it, and an engine built without that
pattern writes the same HTML, only sooner.

`shape_of` names the patterns a body's marks allow; the Converter builds one engine per shape
it meets, through the library's public API: smarty's own options (`smart_quotes`, ...) and
`Registry.deregister` for the rest. A pattern this module does not know is always kept.
`tests/test_narrowing.py` converts generated Vietnamese Markdown, the sample, the golden site
and the mixed bench corpus both ways, on engines made exactly as a build makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import markdown

INLINE_MARKS: dict[str, tuple[str, ...]] = {  # a pattern of Python-Markdown's, and the marks one of which it needs
    "backtick": ("`",),
    "escape": ("\\",),
    "link": ("[",), "image_link": ("![",),
    # a reference link is made only from a definition "[id]: url" in the same body; without one the patterns
    # skip every bracket and change nothing
    "reference": ("]:",), "short_reference": ("]:",), "image_reference": ("]:",), "short_image_ref": ("]:",),
    "footnote": ("[^",),
    "autolink": ("://",), "automail": ("@",), "html": ("<",),
    "entity": ("&",),
    "linebreak": ("  ", "\t", "\r"),  # tabs are spaces and \r line ends \n by the time the patterns see the text
    "em_strong": ("*", "_"),
}
SMARTY_MARKS: dict[str, tuple[str, ...]] = {  # an option of the smarty extension, and the marks its patterns need
    "smart_quotes": ("'", '"'),
    "smart_dashes": ("--",),
    "smart_ellipses": ("...",),
}


@dataclass(frozen=True)
class Shape:
    """What a body can use: the inline patterns and smarty options whose marks it holds."""

    patterns: frozenset[str]
    smarty: frozenset[str]

    def configs(self, configs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Return the extensions' settings for an engine of this shape: smarty educates only what the body holds."""
        return {**configs, "smarty": {**configs.get("smarty", {}), **{option: option in self.smarty for option in SMARTY_MARKS}}}

    def narrow(self, md: markdown.Markdown) -> None:
        """Leave out of a new engine the inline patterns this shape cannot match, and smarty's pass when it has none."""
        for name in INLINE_MARKS.keys() - self.patterns:
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)
        if not self.smarty and "smarty" in md.treeprocessors:
            md.treeprocessors.deregister("smarty")  # a pass with no pattern to try (smarty's escapes stay: they are the engine's)


EVERY_MARK = tuple(sorted({mark for marks in (*INLINE_MARKS.values(), *SMARTY_MARKS.values()) for mark in marks}))


def shape_of(body: str) -> Shape:
    """Find which inline patterns and smarty options a body's marks allow."""
    held = {mark for mark in EVERY_MARK if mark in body}
    return Shape(frozenset(name for name, marks in INLINE_MARKS.items() if held.intersection(marks)),
                 frozenset(option for option, marks in SMARTY_MARKS.items() if held.intersection(marks)))
