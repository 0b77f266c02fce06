"""Slugs made quickly for Vietnamese text: byte for byte what bantin.stages.slugs makes with python-slugify.

python-slugify's legacy pipeline runs a dozen passes over the text, and a build makes
about four slugs per article (its URL, its headings' ids). For ASCII and
Vietnamese letters its work before the clean-up comes down to dropping tone marks and
writing đ as d, which `unicodedata` and `str` methods do in C. `slugify` takes that way
for text made only of such letters (the set is found by asking the pipeline about each
character), then runs the pipeline's own clean-up passes. Other text takes the pipeline.
`tests/test_slugs.py` compares both ways on every character and on generated text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from slugify import smart_truncate
from text_unidecode import unidecode

from ..stages.slugs import slugify as library_slugify

CANDIDATES = ((0x0, 0x250), (0x300, 0x370), (0x1E00, 0x1F00))  # ASCII, Latin, accents, Vietnamese
QUOTE = re.compile(r"[']+")
NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d)")
DISALLOWED = re.compile(r"[^-a-zA-Z0-9]+")
DASHES = re.compile(r"-{2,}")


def quick_slugify(text: str, max_length: int = 0, word_boundary: bool = False, separator: str = "-") -> str:
    """Return stages.slugs.slugify(text, ...), quickly when the text is made of Vietnamese letters."""
    if not quick_letters().fullmatch(text):
        return library_slugify(text, max_length, word_boundary, separator)
    text = DISALLOWED.sub("-", NUMBER_COMMA.sub("", quick_middle(text)) if "," in text else quick_middle(text))
    text = (DASHES.sub("-", text) if "--" in text else text).strip("-")
    if max_length > 0:
        text = smart_truncate(text, max_length, word_boundary, "-", False)
    return text.replace("-", separator) if separator != "-" else text


def quick_middle(text: str) -> str:
    """Drop tone marks, write đ as d, lower the case and turn apostrophes into dashes, as the pipeline does."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return plain.encode("ascii", "ignore").decode("ascii").lower().replace("'", "-")


def pipeline_middle(char: str) -> str:
    """Return what the pipeline makes of one character before its clean-up passes (quotes, transliteration, case)."""
    text = unidecode(unicodedata.normalize("NFKD", QUOTE.sub("-", char)))
    return QUOTE.sub("", unicodedata.normalize("NFKD", text).lower())


def takes_quick_way(char: str) -> bool:
    """Tell whether quick_middle treats a character as the pipeline does.

    Both ways work one code point at a time, but for the pipeline's reordering of combining
    marks; the marks quick_middle drops are dropped by the pipeline too, so order cannot matter.
    """
    return char != "&" and quick_middle(char) == pipeline_middle(char)


@cache
def quick_letters() -> re.Pattern[str]:
    """Match a text made only of characters that take the quick way (no `&`, which could open an HTML entity)."""
    chars = [chr(code) for start, end in CANDIDATES for code in range(start, end) if takes_quick_way(chr(code))]
    return re.compile("[" + "".join(re.escape(char) for char in chars) + "]*")
