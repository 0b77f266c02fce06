"""Slugs for URLs and heading ids: python-slugify's legacy output, tones dropped and đ written as d.

Slugs become permanent URLs, so the transliteration backend is pinned: left on "auto",
python-slugify switches to Unidecode whenever another package installs it (Pelican does),
and the two disagree on some letters.
"""

from __future__ import annotations

from slugify import slugify as library_slugify

BACKEND = "text-unidecode"  # the pinned dependency (requirements.txt)


def slugify(text: str, max_length: int = 0, word_boundary: bool = False, separator: str = "-") -> str:
    """Return python-slugify's slug of `text` with the pinned backend."""
    return library_slugify(text, max_length=max_length, word_boundary=word_boundary, separator=separator, backend=BACKEND)
