"""The plain writer (bantin/speed/plain.py) gives exactly what Python-Markdown gives, or declines.

Each engine is made here, fresh, exactly as a build makes it (sitekit.converter_as_built:
stages.content.make_converter with the settings bantin.speed hands the parse stage), and compared with the library's own way (the
reference build's engine): no state of either is warmed by another test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bantin.stages.markup import Rendered
from sitekit import bodies, converter_as_built

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


ENGINES = {trust: converter_as_built(trust, quick=True) for trust in (False, True)}
REFERENCE = {trust: converter_as_built(trust, quick=False) for trust in (False, True)}

WORDS = ["Chỉ thị", "đảng viên", "05-CT/TW", "Bác Hồ", "“học”", "x", "A", "9", "1990", "Đầu đề", "Ông A:", "BTV:",
         "PV", "a:b", "(", ")", "%", "•", "–", "…", "#", "=", "+", "!", ".", ":", ",", "/", "é", "ñ", "ﬁ", "①", "Ⅻ",
         "Bác's", "l'Đảng", "\"Đoàn kết...\"", "Hà Nội --- mùa thu", "1945--1954", "&amp;", "&#273;", "&nbsp;", "\\*", "\\_",
         "_nghiêng_", "__đậm__", "![ảnh](anh.png)", "![ảnh](a.png \"Chú thích\")", "`mã`", "> trích"]
MARKS = [" ", "  ", "*", "**", "***", "[", "]", "](", "\n", "'", '"', "_", "__", "--", "---", "...", "<", "&", "\\", "\u00a0",
         "\t", "  \n", "![", "&amp;"]
URLS = ["https://a.vn/b?c=1#d", "http://a.vn", "../tin/b.md", "b.md#muc", "tin/%C4%91.md", "a%26b.md", "a%3Cb.md",
        "a%22b.md", "a%0Ab.md", "a%00b.md", "/tuyet-doi", "//a.vn", "#muc", "mailto:a@b.vn", "tel:+8412",
        "javascript:alert(1)", "bantin:x.md", "../../ngoai.md", "data:x", "a b", ""]
LINE_STARTS = ["", "", "", "# ", "## ", "###### ", "####### ", "#", "- ", "-  ", "* ", "+ ", "1. ", "2) ", " ", "    ",
               "> ", "=", "---", "***", ": ", "**", "*", "[", "- - ", "- 1. ", "- # "]

link = st.builds(lambda text, url: f"[{text}]({url})", st.sampled_from(WORDS[:12] + ["**x**", "a]b", ""]),
                 st.sampled_from(URLS))
strong = st.builds(lambda stars, text: f"{stars}{text}{stars}", st.sampled_from(["*", "**"]),
                   st.sampled_from(WORDS + [" x", "x ", "a*b", ""]))
inline_text = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKS), link, strong), min_size=1,
                       max_size=14).map(" ".join)
line = st.builds(lambda start, text: start + text, st.sampled_from(LINE_STARTS), inline_text)
block = st.lists(line, min_size=1, max_size=4).map("\n".join)
document = st.builds(lambda blocks, gaps: "".join(b + g for b, g in zip(blocks, gaps)),
                     st.lists(block, max_size=8), st.lists(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n", ""]),
                                                           min_size=8, max_size=8))
plain_link = st.builds(lambda text, url: f"[{text}]({url})", st.sampled_from(WORDS[:12]),
                       st.sampled_from(URLS[:5] * 3 + URLS[5:]))
plain_emphasis = st.builds(lambda opening, text, closing: f"{opening}{text}{closing}", st.sampled_from(["*", "**"]),
                           st.sampled_from(WORDS[:12]), st.sampled_from(["*", "**", "*", "**", "***"]))
plain_line = st.builds(lambda start, words: start + " ".join(words),
                       st.sampled_from(["", "", "## ", "# ", "- ", "**BTV:** ", "**Ông A:** ", "**PV:**", "**Bác Hồ** ", "**BTV**: ",
                                        "**BTV :** ", "*BTV:* "]),
                       st.lists(st.one_of(st.sampled_from(WORDS[:12]), plain_link, plain_emphasis), min_size=1, max_size=10))
plain_document = st.lists(st.tuples(plain_line, st.sampled_from(["\n\n", "\n\n", "\n"])), max_size=12).map(
    lambda lines: "".join(text + gap for text, gap in lines))


def assert_same(body: str, trust_html: bool = False, path: str = "tin-tuc/bai.md") -> Rendered | None:
    """Convert one body the build's way and the library's; the plain writer must decline or agree in every respect."""
    plain = ENGINES[trust_html].convert_plain(body, path, 7)
    full = REFERENCE[trust_html].convert(body, path, 7)
    if plain is not None:
        assert plain == full, body
    assert ENGINES[trust_html].convert(body, path, 7) == full, body
    return plain


@SETTINGS
@given(body=document, trust_html=st.booleans())
@example(body="- a\n\n- b", trust_html=False)
@example(body="a\n## b", trust_html=False)
@example(body="## Đầu đề\n\n# Đầu đề\n\n## Đầu đề_1\n\n## Dau de", trust_html=False)
@example(body="**BTV:** hỏi\n\n## Mục\n\nđáp\n\n**Ông A:** đáp\n\nthêm\n\n- ý", trust_html=False)
@example(body="[x](a%26b.md) [y](a%3Cb.md) [z](/a) [w](javascript:alert(1))", trust_html=False)
def test_generated_markdown_converts_the_same(body: str, trust_html: bool) -> None:
    assert_same(body, trust_html)


@SETTINGS
@given(body=plain_document)
def test_plain_looking_markdown_converts_the_same(body: str) -> None:
    assert_same(body)


def test_the_sample_and_golden_articles_convert_the_same_and_most_are_plain() -> None:
    found = bodies(ROOT / "content") + bodies(ROOT / "tests" / "golden" / "site" / "content")
    plain = [path for path, body in found if assert_same(body, path=path) is not None]
    assert len(found) > 20 and len(plain) >= len(found) // 2, plain


def test_every_bench_corpus_article_takes_the_plain_way_and_converts_the_same(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "--n", "120", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    found = bodies(tmp_path / "bantin" / "content")
    assert len(found) > 120
    declined = [path for path, body in found if assert_same(body, path=path) is None]
    assert declined == []


@pytest.mark.parametrize("body", ["Nói \"không\"", "a -- b", "![ảnh](a.png)", "<b>x</b>", "a_b_", "1. một", "    mã",
                                  "| a | b |", "[^1]", "x\u00a0y", "*[HCM]: Hồ Chí Minh", "a  \nb", "[TOC]",
                                  "- a\n\n- b", "- a\ntiếp", "a\n- b", "## a\nb", "[x](javascript:alert(1))"])
def test_anything_beyond_plain_is_declined(body: str) -> None:
    assert ENGINES[False].convert_plain(body, "a/b.md", 1) is None


@pytest.mark.parametrize("url", URLS)
def test_every_kind_of_link_target_converts_the_same(url: str) -> None:
    assert_same(f"Xem [bài]({url}) này.\n\n- [mục](../{url})")
