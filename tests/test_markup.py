"""Markdown conventions: figures, interviews, Vietnamese heading ids, local links, sanitising."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bantin.stages.markup import UNSAFE_TAGS, Converter, UnsafeFinder, may_be_unsafe

CONVERTER = Converter(trust_html=False)


def convert(body: str, path: str = "tin-tuc/bai.md"):
    """Convert a body as if it started on line 5 of `path`."""
    return CONVERTER.convert(body, path, 5)


def test_heading_ids_are_vietnamese_aware() -> None:
    assert '<h2 id="dau-de-muc-mot">Đầu đề mục một</h2>' in convert("## Đầu đề mục một\n").html


def test_titled_image_becomes_a_figure_with_caption() -> None:
    html = convert('![Hội nghị quán triệt](anh.png "Quang cảnh hội nghị")\n').html
    assert html == ('<figure><img alt="Hội nghị quán triệt" loading="lazy" src="bantin:tin-tuc/anh.png">'
                    "<figcaption>Quang cảnh hội nghị</figcaption></figure>")


def test_image_without_alt_is_an_error_on_its_line() -> None:
    result = convert("Đoạn một.\n\n![](anh.png)\n")
    assert [(p.line, p.message) for p in result.problems] == [(7, "Ảnh “anh.png” thiếu lời mô tả (alt).")]


def test_interview_convention() -> None:
    result = convert("Lời dẫn.\n\n**BTV:** Hỏi?\n\n**Ông Nguyễn Văn A:** Đáp.\n\nĐáp tiếp.\n")
    assert result.interview
    assert '<p>Lời dẫn.</p>' in result.html
    assert '<p class="qa-question"><strong class="qa-speaker">BTV:</strong> Hỏi?</p>' in result.html
    assert '<p class="qa-answer"><strong class="qa-speaker">Ông Nguyễn Văn A:</strong> Đáp.</p>' in result.html
    assert '<p class="qa-answer">Đáp tiếp.</p>' in result.html


def test_bold_labels_alone_do_not_make_an_interview() -> None:
    result = convert("**Lưu ý:** đây không phải phỏng vấn.\n")
    assert not result.interview and "qa-" not in result.html


def test_tables_footnotes_attributes_and_quotes() -> None:
    html = convert('Trích "Di chúc" -- văn kiện[^1].\n\n| Năm | Số việc |\n|---|---|\n| 2023 | 487 |\n\n'
                   'Đoạn có lớp\n{: .ghi-chu }\n\n[^1]: Ghi chú.\n').html
    assert "“Di chúc” – văn kiện" in html
    assert "<table>" in html and "<td>487</td>" in html
    assert 'class="footnote"' in html
    assert '<p class="ghi-chu">Đoạn có lớp</p>' in html


def test_numbered_measures_stay_an_ordered_list() -> None:
    html = convert("1. Xây dựng chuẩn mực.\n2. Kiểm điểm hằng tuần.\n3. Nêu gương.\n").html
    assert html.count("<li>") == 3 and html.startswith("<ol>")


def test_local_links_are_recorded_and_kept_inside_content() -> None:
    result = convert("[bài trước](../xay-dung-dang/bai-truoc.md#muc) và [ngoài](https://dangcongsan.vn/)\n\n[sai](../../etc/passwd)\n")
    assert [(r.target, r.line, r.kind) for r in result.refs] == [("xay-dung-dang/bai-truoc.md", 5, "link")]
    assert 'href="bantin:xay-dung-dang/bai-truoc.md#muc"' in result.html
    assert 'href="https://dangcongsan.vn/"' in result.html
    assert [p.line for p in result.problems] == [7]


def test_raw_html_is_sanitised_with_a_warning() -> None:
    result = convert('Đoạn.\n\n<script>alert(1)</script>\n\n<a href="javascript:alert(1)" onclick="x()">bấm</a>\n\n<iframe src="https://x"></iframe>\n')
    assert "<script" not in result.html and "onclick" not in result.html and "javascript:" not in result.html
    assert "<iframe" not in result.html
    assert {p.severity for p in result.problems} == {"warning"}
    assert sorted(p.line for p in result.problems) == [7, 9, 9, 11]


def test_trusted_html_is_kept() -> None:
    html = Converter(trust_html=True).convert('<div class="hop">Khung</div>\n', "a.md", 1).html
    assert '<div class="hop">Khung</div>' in html


def test_a_level_one_heading_in_the_body_becomes_level_two() -> None:
    assert convert("# Tiêu đề phụ\n").html.startswith("<h2")


TAGS = sorted(UNSAFE_TAGS) + ["a", "img", "p", "IMG", "Script", "svg:a"]
ATTRIBUTES = ["href", "src", "HREF", "xlink:href", "data", "srcset", "formaction", "onclick", "ONload", "id", "alt", "title"]
VALUES = ["https://a.vn", "bantin:a/b.md", "#fn:1", "javascript:alert(1)", " JavaScript:x", "java\tscript:x",
          "&#106;avascript:x", "&#x6A;avascript:x", "data:text/html,x", "vbscript:x", "mailto:a@b.vn", "../a.md", ""]
tag_text = st.builds(
    lambda tag, attrs, end: f"<{tag}" + "".join(attrs) + end,
    st.sampled_from(TAGS),
    st.lists(st.builds(lambda space, name, eq, quote, value: f"{space}{name}{eq}{quote}{value}{quote}",
                       st.sampled_from([" ", "\n", "/", "  ", ""]), st.sampled_from(ATTRIBUTES),
                       st.sampled_from(["=", " = ", "==", ""]), st.sampled_from(['"', "'", ""]), st.sampled_from(VALUES)),
             max_size=3),
    st.sampled_from([">", "/>", " >", ""]))
html_text = st.lists(st.one_of(tag_text, st.sampled_from(["chữ con ", "on ", "</a>", "<!-- <script> -->", "=", "\"", "'"])),
                     max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(html=html_text)
@example(html='<a href="https://a.vn" onclick="x">')
@example(html='<a href   =   "javascript:x">')
@example(html="<img src='bantin:a.png'/onerror=alert(1)>")
def test_the_quick_check_never_passes_html_the_finder_would_flag(html: str) -> None:
    finder = UnsafeFinder()
    finder.feed(html)
    finder.close()
    assert may_be_unsafe(html) or not finder.found


def test_markdown_output_of_an_ordinary_article_needs_no_html_parse() -> None:
    html = convert("Đoạn có [liên kết](https://a.vn), [bài khác](../b/c.md), chú thích[^1] và ![ảnh](x.png).\n\n"
                   "[^1]: Ghi chú.\n").html
    assert not may_be_unsafe(html)
