"""Robustness: random front matter and Markdown, Vietnamese included, either build or fail cleanly.

"Cleanly" means: bantin.pipeline.build raises BuildError (never anything else), every problem it
lists is located in a real file with a line that exists, and the previous output is untouched.
A build that succeeds must have written exactly the files it rendered. The engine runs in-process
for speed; a few examples also go through the command line as an editor would run it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bantin.stages.content import parse_article
from bantin.stages.links import Targets, body_links
from bantin.stages.references import local_references, resolved_body
from bantin.stages.markup import Converter
from bantin.pipeline import BuildRequest, build
from bantin.problems import BuildError
from sitekit import article, make_site, run_build, snapshot, png

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LETTERS = ("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
           "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ0123456789")
PUNCTUATION = " .,;:!?-–—“”\"'()[]{}#&*@|>%`\\/<=_~+\t"
KEYS = ["title", "date", "section", "directives", "author", "source", "summary", "image", "image_alt", "image_caption",
        "featured", "status", "slug", "related", "external_url", "attachments", "aliases", "expires", "extra",
        "titel", "Title", "ngày", "tags"]

vietnamese = st.text(alphabet=st.sampled_from(LETTERS + PUNCTUATION), max_size=40)
nfd = vietnamese.map(lambda s: unicodedata.normalize("NFD", s))
anything = st.text(max_size=30)  # every code point hypothesis likes, controls and all
xml_cannot = st.text(alphabet=st.sampled_from(["\ufffe", "\uffff", "\ufdd0", "\x0b", "a", "ề"]), min_size=1, max_size=6)
deep = st.integers(50, 3000).map(lambda depth: "[" * depth + "]" * depth)
words = st.one_of(vietnamese, nfd, anything, xml_cannot, deep)
dates = st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y %H:%M")),
    st.dates().map(str),
    st.tuples(st.integers(0, 40), st.integers(0, 14), st.integers(0, 2100)).map(lambda t: "%02d/%02d/%04d" % t),
    words,
)
scalars = st.one_of(words, dates, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.sampled_from(["file", "title", "x"]), inner, max_size=3)),
                      max_leaves=8)
fields = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)
FRAGMENTS = [
    "## Tiêu đề mục", "- mục một\n- mục hai", "1. một\n2. hai", "> Trích dẫn lời Bác.", "**BTV:** Hỏi?", "**Ông A:** Đáp.",
    "![Ảnh](anh.png \"Chú thích\")", "![](khong-alt.png)", "[bài khác](../xay-dung-dang/b.md)", "[ra ngoài](../../../etc/passwd)",
    "[tuyệt đối](/tuyet-doi)", "[web](https://example.org/a?b=1#c)", "<script>alert(1)</script>", "<b onclick=\"x()\">đậm</b>",
    "<a href=\"javascript:alert(1)\">bấm</a>", "<iframe src=x></iframe>", "<div>khối <em>HTML</em>", "```\n<script>mã</script>\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |", "Chú thích[^1].\n\n[^1]: Ghi chú.", "Đoạn có lớp\n{: .ghi-chu onclick=\"x\" }", "---", "+++",
    "* * *", "<!-- ghi chú -->", "&amp; &lt; &#0; &#x110000;", "[^khong-co]", "<", "`", "\\",
]
bodies = st.lists(st.one_of(st.sampled_from(FRAGMENTS), words), max_size=8).map("\n\n".join)


def front_matter(data: dict, style: str) -> str:
    """Write fields as YAML, as TOML (best effort), or as YAML with its lines shuffled by the data."""
    if style == "toml":
        lines = []
        for key, value in data.items():
            text = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else repr(value)
            lines.append(f"{key} = \"{text}\"" if isinstance(value, str) else f"{key} = {text}")
        return "+++\n" + "\n".join(lines) + "\n+++\n"
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None) if data else ""
    return "---\n" + dumped + "---\n"


raw_front = st.one_of(
    st.builds(front_matter, fields, st.sampled_from(["yaml", "yaml", "toml"])),
    st.lists(words, max_size=5).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\n"),
    words.map(lambda s: s + "\n"),
)
documents = st.builds(lambda head, body: head + "\n" + body + "\n", raw_front, bodies)
names = st.sampled_from(["content/tin-tuc/x.md", "content/tin-tuc/y.md", "content/xay-dung-dang/z.md", "content/pages/p.md",
                         "content/tin-tuc/" + unicodedata.normalize("NFD", "bài-việt.md")])
files = st.dictionaries(names, st.one_of(documents.map(lambda d: d.encode("utf-8")), st.binary(max_size=200)),
                        min_size=1, max_size=3)


class Base:
    """A built site to copy for every example, and its output (kept out of failure reports)."""

    def __init__(self, root: Path, output: dict[str, bytes]) -> None:
        self.root, self.output = root, output

    def __repr__(self) -> str:
        return f"Base({self.root})"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    """A small site that builds, already built, to copy for every example."""
    root = make_site(tmp_path_factory.mktemp("base") / "site", {
        "content/tin-tuc/a.md": article("Bài a", image="anh.png", image_alt="Ảnh"),
        "content/tin-tuc/anh.png": png(),
        "content/xay-dung-dang/b.md": article("Bài b", "01/01/2015", directives="[Chỉ thị 05]"),
    })
    build(BuildRequest(root=root, use_cache=False, jobs=1))
    return Base(root, snapshot(root / "public"))


def add(root: Path, new: dict[str, bytes]) -> None:
    """Write generated files into a site."""
    for name, data in new.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def check_outcome(root: Path, before: dict[str, bytes]) -> None:
    """Build in-process and insist on a clean success or a clean, located failure."""
    try:
        result = build(BuildRequest(root=root, use_cache=False, jobs=1))
    except BuildError as error:
        assert error.problems, "a BuildError must say why"
        for problem in error.problems:
            assert problem.message.strip() and "Traceback" not in problem.message
            assert "\n" not in problem.hint, f"the hint must be one line: {problem.hint!r}"
            assert_located(root, problem)
        assert snapshot(root / "public") == before, "a failed build changed the previous output"
        return
    written = {p.relative_to(root / "public").as_posix() for p in (root / "public").rglob("*") if p.is_file()}
    assert result.rendered <= written, sorted(result.rendered - written)[:5]
    assert sum(name.endswith(".html") for name in written) >= result.pages
    assert not list(root.glob(".public.staging*"))


def assert_located(root: Path, problem) -> None:
    """A problem names a real source (or output) file, and a line that file has."""
    if problem.path.startswith("content/"):
        source = root / problem.path
        matches = [p for p in source.parent.glob("*") if unicodedata.normalize("NFC", p.name) == source.name]
        assert matches, f"{problem.path} does not exist"
        if problem.line and matches[0].is_file():
            lines = matches[0].read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
            assert 1 <= problem.line <= lines, f"{problem.format()} but the file has {lines} lines"
    else:
        assert problem.path == "site.toml" or problem.path.startswith(("public/", "theme/")), problem.format()


@SETTINGS
@given(new=files)
@example(new={"content/tin-tuc/x.md": b"---\ndate: 2020-02-31\ntitle: !!!\n---\n"})
@example(new={"content/tin-tuc/x.md": b"---\nextra: &a [1, 2]\nextra2: [*a, *a, *a]\n---\n"})
@example(new={"content/tin-tuc/x.md": "---\ntitle: x\ndate: 1/1/2020\naliases: [/feed.xml, /tin-tuc/./bai-a/]\n---\n".encode()})
@example(new={"content/tin-tuc/x.md": article("Bài x").encode()})  # the success branch, at least once
@example(new={"content/tin-tuc/x.md": ("---\ntitle: " + "[" * 5000 + "\n---\n").encode()})  # nesting deep enough to overflow a C stack
@example(new={"content/tin-tuc/x.md": "---\ntitle: Lạ\uffff\ndate: 1/1/2020\n---\n\nThân\ufffe bài.\n".encode()})
def test_random_input_builds_or_fails_cleanly(base: Base, new: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        shutil.copytree(base.root, root, symlinks=True)
        add(root, new)
        check_outcome(root, base.output)


valid_titles = st.text(alphabet=st.sampled_from(LETTERS + " .,:!?-–“”()"), min_size=1, max_size=60).filter(
    lambda s: any(c.isalnum() for c in s) and s.strip() == s)
valid_dates = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2024, 12, 31))
safe_bodies = st.lists(st.one_of(st.sampled_from(FRAGMENTS[:6] + FRAGMENTS[13:14] + FRAGMENTS[18:20]),
                                 st.text(alphabet=st.sampled_from(LETTERS + " .,!?"), min_size=1, max_size=80)),
                       min_size=1, max_size=6).map("\n\n".join)


@SETTINGS
@given(title=valid_titles, moment=valid_dates, body=safe_bodies, decomposed=st.booleans(), crlf=st.booleans())
def test_valid_vietnamese_articles_always_build(base: Base, title: str, moment: datetime, body: str, decomposed: bool,
                                               crlf: bool) -> None:
    text = "---\n" + yaml.safe_dump({"title": title, "date": moment.strftime("%d/%m/%Y %H:%M")}, allow_unicode=True) + "---\n\n" + body
    text = unicodedata.normalize("NFD", text) if decomposed else text
    text = text.replace("\n", "\r\n") if crlf else text
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        shutil.copytree(base.root, root, symlinks=True)
        add(root, {"content/tin-tuc/moi.md": text.encode("utf-8")})
        result = build(BuildRequest(root=root, use_cache=False, jobs=1, now=datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=7)))))
        entry = next(e for e in result.site.entries if e.article.path == "tin-tuc/moi.md")
        assert entry.article.title == unicodedata.normalize("NFC", title)
        page = (root / "public" / entry.url.strip("/") / "index.html").read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", page)
        escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        assert f"<h1>{escaped}</h1>" in page


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(new=files)
def test_the_command_line_never_shows_a_traceback(base: Base, new: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        shutil.copytree(base.root, root, symlinks=True)
        add(root, new)
        result = run_build(root)
        assert result.code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and "Lỗi nội bộ" not in result.stderr
        if result.code == 1:
            assert snapshot(root / "public") == base.output
            assert result.stderr.rstrip().endswith("Trang cũ (nếu có) được giữ nguyên.")


REFERENCE = re.compile(r'(src|href)="bantin:([^"#]*)(#[^"]*)?"')  # the plain statement of what a local reference is
html_bits = st.lists(st.sampled_from(['src', 'href', 'data-src', '="', 'bantin:', 'tin-tuc/khac.md', '"', '#', 'đ', ' ', '=', 'h', 's', '>']),
                     max_size=20).map("".join)


ARTICLE = parse_article("---\ntitle: Bài\ndate: 30/12/2014\n---\n\nNội dung.\n", "tin-tuc/bai.md",
                        ZoneInfo("Asia/Ho_Chi_Minh"), Converter(trust_html=False)).article


@settings(max_examples=3000, deadline=None)
@given(html=html_bits)
@example(html='title="bantin: src="bantin:tin-tuc/khac.md#a"')  # a match that is no reference overlaps one that is
def test_local_references_are_found_and_replaced_exactly_as_the_plain_pattern_would(html: str) -> None:
    assert local_references(html) == [m[2] for m in REFERENCE.finditer(html)]
    targets = Targets({"tin-tuc/khac.md": "/tin-tuc/khac/"}, {}, frozenset(), "/ban-tin/")
    html = html.replace("<img ", "<i ")  # images take their own, earlier step
    expected = REFERENCE.sub(lambda m: f'{m[1]}="{targets.public(m[2])}{m[3] or ""}"', html)
    assert resolved_body(html, body_links(replace(ARTICLE, body_html=html), targets, [])) == expected
