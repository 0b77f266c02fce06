"""Slugs (bantin/slugs.py) are exactly python-slugify's, with its backend pinned, whichever way they are made."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from slugify import slugify as pipeline_slugify

from bantin.speed.quickslugs import quick_letters, quick_slugify as slugify
from bantin.stages.slugs import BACKEND

OPTIONS = [(0, False), (2, False), (3, True), (12, True), (80, True)]
VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
PIECES = [VIETNAMESE, VIETNAMESE.upper(), " ,.:;-–—'’“”\"()/&#!?%…0123456789", "ñçøßæœŋıĳ²①ﬁ€™", "\u0301\u0323\u031b\u0345\u0350\t\n\x00"]


def expected(text: str, max_length: int = 0, word_boundary: bool = False, separator: str = "-") -> str:
    """Ask python-slugify's pipeline itself, with the pinned backend."""
    return pipeline_slugify(text, max_length=max_length, word_boundary=word_boundary, separator=separator, backend=BACKEND)


@pytest.mark.parametrize("start, end", [(0x0, 0x800), (0x800, 0x2200), (0x1E00, 0x1F00), (0xFB00, 0xFB10)])
def test_every_character_alone_and_between_letters(start: int, end: int) -> None:
    """Each character, on its own and amid letters, digits, tones and commas, slugs as the pipeline slugs it."""
    for char in map(chr, range(start, end)):
        for text in (char, f"a{char}b", f"1{char}2", char * 2, f"Ệ{char}\u0301", f"đ,{char},3", f" {char} "):
            for max_length, word_boundary in OPTIONS[:3]:
                assert slugify(text, max_length, word_boundary) == expected(text, max_length, word_boundary), (hex(ord(char)), text)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES).flatmap(lambda piece: st.text(alphabet=piece, max_size=6)), max_size=12).map("".join),
       st.sampled_from(OPTIONS), st.sampled_from(["-", "_"]))
@example("Chỉ thị 05-CT/TW", (0, False), "-")
@example("Hội nghị 1,5 tỷ: “Học” và 'làm' theo Bác", (80, True), "-")
@example("Đầu đề", (0, False), "_")
def test_generated_text(text: str, option: tuple[int, bool], separator: str) -> None:
    """Mixed Vietnamese, punctuation, numbers, symbols and stray marks slug as the pipeline slugs them."""
    max_length, word_boundary = option
    assert slugify(text, max_length, word_boundary, separator) == expected(text, max_length, word_boundary, separator)


@given(st.text(max_size=20))
@settings(max_examples=1500, deadline=None)
def test_any_text(text: str) -> None:
    """Any text at all, decomposed or not, slugs as the pipeline slugs it."""
    for form in (text, unicodedata.normalize("NFD", text), unicodedata.normalize("NFC", text)):
        assert slugify(form, 80, True) == expected(form, 80, True)


def test_vietnamese_takes_the_quick_way() -> None:
    """Every Vietnamese letter, in both cases, is one the quick way handles; & (an entity's start) is not."""
    assert quick_letters().fullmatch(VIETNAMESE + VIETNAMESE.upper() + " 0123456789-,.:/()'")
    assert not quick_letters().fullmatch("a&b")
    assert slugify("Chỉ thị 05-CT/TW") == "chi-thi-05-ct-tw"
    assert slugify("Đảng bộ & nhân dân") == "dang-bo-nhan-dan"


def test_the_pinned_backend_whatever_else_is_installed() -> None:
    """Slugs come from text-unidecode, the pinned dependency, even where Unidecode is installed too (Pelican brings it)."""
    assert slugify("Ŋ ⁊") == expected("Ŋ ⁊") == "ng-7"  # Unidecode would give "ng"
