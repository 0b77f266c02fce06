"""Python-Markdown narrowed to a body's marks (bantin/speed/narrowing.py) writes exactly what the full engine writes.

The engines are made here as a build makes them (sitekit.converter_as_built: stages.content.make_converter
from the settings bantin.speed hands the parse stage), and compared with the reference build's engine
(the library's full one). Neither is warmed by another test: each is made for this module, and
meets the generated bodies one after another, as a build's process meets articles.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bantin.speed.narrowing import INLINE_MARKS, shape_of
from bantin.stages.markup import ENGINES_KEPT, Rendered
from sitekit import bodies, converter_as_built

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


NARROWED = {trust: converter_as_built(trust, quick=True) for trust in (False, True)}
FULL = {trust: converter_as_built(trust, quick=False) for trust in (False, True)}

WORDS = ["Chỉ thị", "đảng viên", "05-CT/TW", "Bác Hồ", "Đầu đề", "x", "A", "1945", "Hà Nội", "“học”", "‘làm’", "…", "–",
         "Bác's", "l'Đảng", "'90s", "\"Đoàn kết\"", "'nói'", "Ông A:", "BTV:", "PV:", "Phóng viên:", "a:b", "(", ")", "%",
         "é", "①", "\u00a0", "#", "=", "+", "!", ".", ",", "/", "|", "{", "}", "~", "^", "$"]
MARKS = [" ", "  ", "*", "**", "***", "_", "__", "___", "[", "]", "](", "'", '"', "`", "``", "--", "---", "-", "...", "....",
         "<", ">", "<<", ">>", "&", "&amp;", "&#273;", "&nbsp;", "&quot;", "&#39;", "&copy", "\\", "\\*", "\\_", "\\\"",
         "\\'", "\\\\", "\\[", "\\`", "\\<", "\\&", "\\-", "\\.", "  \n", "\t", "\t\n", " \t\n", "\r\n", " \r\n", "\r",
         "\n", "![", "[^", "[^1]", "[^a]", "*[", "{: .lead }", "{#muc}", "<https://a.vn/b>", "<a@b.vn>", "<span>", "</span>",
         "<b>x</b>", "<!-- ghi chú -->", "<script>x</script>", "<img src=a.png>", "javascript:", "\x02", "\x03"]
URLS = ["https://a.vn/b?c=1#d", "../tin/b.md", "b.md#muc", "anh.png", "a%20b.md", "/tuyet-doi", "#muc", "mailto:a@b.vn",
        "javascript:alert(1)", ""]
LINE_STARTS = ["", "", "", "", "# ", "## ", "### ", "#", "- ", "* ", "+ ", "1. ", "2) ", " ", "    ", "\t", "> ", "> > ",
               "=", "---", "***", "___", ": ", "**BTV:** ", "**Ông A:** ", "*[HCM]: ", "[^1]: ", "[ref]: ", "| ", "|---|---|",
               "```", "~~~", "<div>", "</div>", "{: .lead }", "- [ ] "]

link = st.builds(lambda image, text, url, title: f"{image}[{text}]({url}{title})", st.sampled_from(["", "", "!"]),
                 st.sampled_from(WORDS[:10] + ["**x**", "*y*", "_z_", "a]b", "`m`", ""]), st.sampled_from(URLS),
                 st.sampled_from(["", "", ' "Chú thích"', " 'Tiêu đề'"]))
reference = st.sampled_from(["[bài][ref]", "[ref][]", "[ref]", "![ảnh][ref]", "[HCM]", "[^1]", "[^a]"])
emphasis = st.builds(lambda mark, text: f"{mark}{text}{mark}", st.sampled_from(["*", "**", "***", "_", "__", "___"]),
                     st.sampled_from(WORDS + [" x", "x ", "a*b", "a_b", ""]))
cell_row = st.lists(st.sampled_from(WORDS[:12] + ["**x**", "`m`", "a\\|b", ""]), min_size=1, max_size=3).map(
    lambda cells: "| " + " | ".join(cells) + " |")
table = st.builds(lambda head, rows: "\n".join([head, "|---|---|", *rows]), cell_row, st.lists(cell_row, max_size=3))
inline_text = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(MARKS), link, reference, emphasis), min_size=1,
                       max_size=14).map(" ".join)
line = st.builds(lambda start, text: start + text, st.sampled_from(LINE_STARTS), inline_text)
# a body using a few kinds of mark, many times: the engine it gets leaves most patterns out
sparse_document = st.lists(st.sampled_from(MARKS + [" ](a.md)", "*", "**", "[a](b.md)", "_x_"]), min_size=1, max_size=3).flatmap(
    lambda marks: st.lists(st.builds(lambda start, words: start + " ".join(words), st.sampled_from(LINE_STARTS[:12]),
                                     st.lists(st.sampled_from(WORDS[:20] + marks * 3), min_size=1, max_size=12)),
                           min_size=1, max_size=8).map("\n\n".join))
block = st.one_of(st.lists(line, min_size=1, max_size=4).map("\n".join), table,
                  st.sampled_from(["[ref]: https://a.vn/ref \"Tham chiếu\"", "*[HCM]: Hồ Chí Minh", "[^1]: Chú thích **một**.",
                                   "[^a]:\n    Đoạn chú thích dài.", "```python\nx = \"a\" -- 'b'\n```", "    mã *không* [nghiêng]",
                                   "Thuật ngữ\n: Định nghĩa -- có \"ngoặc\"", "<div class=\"hop\">\nHộp *nội dung*\n</div>",
                                   "## Mục {#muc-rieng}", "Đoạn dẫn.\n{: .lead }", "***", "- một\n- hai\n\n- ba"]))
document = st.builds(lambda blocks, gaps: "".join(b + g for b, g in zip(blocks, gaps)),
                     st.lists(block, max_size=8), st.lists(st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n", "", "\r\n\r\n"]),
                                                           min_size=8, max_size=8))


def assert_same(body: str, trust_html: bool = False, path: str = "tin-tuc/bai.md") -> Rendered:
    """Convert one body with the narrowed engines and the full one; the HTML, links, problems and all must agree."""
    full = FULL[trust_html].convert_markdown(body, path, 7)
    assert NARROWED[trust_html].convert_markdown(body, path, 7) == full, body
    assert NARROWED[trust_html].convert(body, path, 7) == FULL[trust_html].convert(body, path, 7), body
    return full


@SETTINGS
@given(body=document, trust_html=st.booleans())
@example(body="a\t\nb", trust_html=False)
@example(body="a \r\nb\r\n", trust_html=False)
@example(body="Nói \\\"không\\\" và 'có'", trust_html=False)
@example(body="&quot;x&quot; -- &#39;y&#39;", trust_html=False)
@example(body="[^1] và [^1]\n\n[^1]: Chú thích \"một\"...", trust_html=True)
@example(body="*[HCM]: Hồ Chí Minh\n\nHCM -- \"HCM\"", trust_html=False)
@example(body="<span>\"a\"</span> <https://a.vn> <a@b.vn>", trust_html=True)
@example(body="**BTV:** Hỏi...\n\n**Ông A:** Đáp -- 'vâng'", trust_html=False)
@example(body="```{ .python linenums=True }\nx\n```\n\nChữ *đậm* \"a\"", trust_html=False)  # the library fails on it
def test_generated_markdown_converts_the_same(body: str, trust_html: bool) -> None:
    assert_same(body, trust_html)


@SETTINGS
@given(body=sparse_document, trust_html=st.booleans())
def test_markdown_with_few_kinds_of_mark_converts_the_same(body: str, trust_html: bool) -> None:
    assert_same(body, trust_html)


def test_the_sample_golden_and_mixed_bench_articles_convert_the_same(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "--n", "200", "--mix", "1", "--out", str(tmp_path)],
                   check=True, capture_output=True)
    found = (bodies(ROOT / "content") + bodies(ROOT / "tests" / "golden" / "site" / "content")
             + bodies(tmp_path / "bantin" / "content"))
    assert len(found) > 220
    for path, body in found:
        for trust in (False, True):
            assert_same(body, trust, path)
    shapes = {shape_of(body) for _, body in found}
    assert len(shapes) > 5 and any(len(shape.patterns) < len(INLINE_MARKS) // 2 for shape in shapes)  # narrowed, really


def test_an_engine_of_every_shape_met_is_kept_up_to_a_bound_and_the_oldest_made_again(tmp_path: Path) -> None:
    converter = converter_as_built(False, quick=True)
    marks = ["`", "\\", "[", "![", "<", "&", "  ", "*", "_", "'", "--", "..."]
    many = [" ".join(mark for bit, mark in enumerate(marks) if n >> bit & 1) + " chữ" for n in range(2 ** len(marks))]
    for body in many[:ENGINES_KEPT + 40]:
        assert converter.convert_markdown(body, "a.md", 1) == FULL[False].convert_markdown(body, "a.md", 1), body
    assert len(converter.engines) == ENGINES_KEPT
    assert converter.convert_markdown(many[0], "a.md", 1) == FULL[False].convert_markdown(many[0], "a.md", 1)


@pytest.mark.parametrize("body, kept", [("Chữ thường.", set()), ("a *b* [c](d.md)", {"em_strong", "link"}), ("a\tb", {"linebreak"}),
                                        ("![x](a.png)", {"link", "image_link"}),
                                        ("[x][a]\n\n[a]: b.md", {"link", "reference", "short_reference", "image_reference",
                                                                 "short_image_ref"}),
                                        ("<https://a.vn> <a@b.vn>", {"autolink", "automail", "html"})])
def test_a_body_keeps_exactly_the_patterns_its_marks_allow(body: str, kept: set[str]) -> None:
    assert shape_of(body).patterns == kept


def test_every_pattern_narrowing_knows_is_one_of_the_engines_own() -> None:
    engine, _ = FULL[False].engine("")
    assert [name for name in INLINE_MARKS if name not in engine.inlinePatterns] == []  # a renamed pattern would be kept, unnarrowed
    assert "smarty" in engine.treeprocessors
