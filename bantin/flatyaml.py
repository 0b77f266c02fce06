"""Read front matter written as flat `key: value` lines, exactly as PyYAML would, or decline.

Nearly every article's front matter is a handful of such lines: words, a date, a quoted
title, a `[...]` list of directives. Even with libyaml, PyYAML builds events, nodes and
Python objects for them through several layers, about a sixth of an article's parse.
`flat_fields` reads them with a few string operations. Like plain.py, it accepts only text
whose reading is beyond doubt: a quoted value without escapes or inner quotes, a plain
value of letters, digits and a little punctuation that PyYAML would take as text (not a
number, a boolean or null), a one-line list of such values. For anything else (comments,
block lists, escapes, indentation, empty values…) it returns None and PyYAML reads the lines.
`tests/test_flatyaml.py` compares both ways on generated front matter and on real files.
"""

from __future__ import annotations

import re

import yaml

KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): +(.*)")
PLAIN = re.compile(r"[^\W_][\w .,;:!?/()%+*&'\"“”‘’–—…-]*")  # a block value opening with a letter or digit
PLAIN_ITEM = re.compile(r"[^\W_][\w .;!?/()%+“”‘’–—…-]*")  # inside [...], where , : and quotes mean something
TEXT_TAG = "tag:yaml.org,2002:str"
KNOWN_MOST = 2000  # values remembered by is_text: keys and sections, and the first dates met


class TextResolver(yaml.resolver.Resolver):
    """Tell which values PyYAML would read as text, with the implicit types front matter's loader knows."""

    def __init__(self, implicit_resolvers: dict) -> None:
        super().__init__()
        self.yaml_implicit_resolvers = implicit_resolvers
        self.known: dict[str, bool] = {}  # keys and sections come back in every file

    def is_text(self, value: str) -> bool:
        """Tell whether a plain (unquoted) value reads as a string."""
        text = self.known.get(value)
        if text is None:
            text = self.resolve(yaml.ScalarNode, value, (True, False)) == TEXT_TAG
            if len(self.known) < KNOWN_MOST:
                self.known[value] = text
        return text


def flat_fields(lines: list[str], resolver: TextResolver) -> dict[str, str | list[str]] | None:
    """Read `key: value` lines into a mapping as PyYAML would; None when any line needs PyYAML."""
    fields: dict[str, str | list[str]] = {}
    for line in lines:
        match = KEY.fullmatch(line)
        if match is None or not resolver.is_text(match[1]):
            return None
        value = flat_value(match[2].rstrip(" "), resolver)
        if value is None:
            return None
        fields[match[1]] = value
    return fields or None


def flat_value(text: str, resolver: TextResolver) -> str | list[str] | None:
    """Read one value: quoted text, plain text, or a one-line list of either; None when unsure."""
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip(" ")
        items = [scalar(item.strip(" "), PLAIN_ITEM, resolver) for item in inner.split(",")] if inner else []
        return None if None in items else items
    return scalar(text, PLAIN, resolver)


def scalar(text: str, plain: re.Pattern[str], resolver: TextResolver) -> str | None:
    """Read quoted text without escapes or inner quotes, or plain text that reads as a string; None otherwise."""
    if not text.isprintable():
        return None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        inner = text[1:-1]
        return None if text[0] in inner or "\\" in inner else inner
    if plain.fullmatch(text) and ": " not in text and not text.endswith(":") and resolver.is_text(text):
        return text
    return None
