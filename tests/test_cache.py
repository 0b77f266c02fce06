"""The parse cache, the render memo and the worker processes: reused when valid, never when not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bantin.stages.config import load_config
from bantin.stages.discover import discover
from bantin.pipeline import BuildRequest, build
from bantin.problems import BuildError
from bantin.speed import Speed
from bantin.speed.parsecache import ParseCache
from bantin.speed.parsing import CachedParser
from bantin.speed.executor import SerialExecutor
from bantin.speed.patcher import PreviewSession
from bantin.stages.content import parse_all
from bantin.stages.theme import DEFAULT_THEME
from sitekit import SITE_TOML, article, make_site, snapshot
from test_incremental import bulletin, clean_build, clean_preview, edit_body


class Parse:
    """A site's sources parsed as a build does, with a cache in .bantin/cache, and how many came from it."""

    def __init__(self, root: Path, cache: ParseCache | None = None) -> None:
        config = load_config(root)
        sources = discover(config.content_dir, config.root)
        cache = cache or ParseCache(root / ".bantin/cache")
        parser = CachedParser(cache, SerialExecutor())
        result = parse_all(sources, Speed(SerialExecutor(), None, True).parse_settings(config), parser)
        cache.close()
        self.articles, self.pages = result.articles, result.pages
        self.cached = parser.reused


def parse(root: Path, cache: ParseCache | None = None) -> Parse:
    """Parse a site's sources as a build does (see Parse)."""
    return Parse(root, cache)


def test_a_second_build_takes_every_parse_from_the_cache(tmp_path: Path) -> None:
    root = bulletin(tmp_path)
    first = parse(root)
    second = parse(root)
    assert (first.cached, second.cached) == (0, 15)
    assert second.articles == first.articles and second.pages == first.pages


def test_an_edited_file_is_parsed_again_and_the_others_are_not(tmp_path: Path) -> None:
    root = bulletin(tmp_path)
    parse(root)
    edit_body(root)
    again = parse(root)
    assert again.cached == 14
    edited = next(a for a in again.articles if a.path == "tin-tuc/bai-12.md")
    assert "Một câu mới thêm vào cuối bài." in edited.body_html


def test_a_setting_that_shapes_parsing_is_part_of_the_key(tmp_path: Path) -> None:
    root = bulletin(tmp_path)
    before = parse(root)
    (root / "site.toml").write_text(SITE_TOML.replace("[site]\n", '[site]\ntimezone = "Asia/Tokyo"\n'), encoding="utf-8")
    after = parse(root)
    assert after.cached == 0
    assert [a.date.utcoffset().total_seconds() for a in after.articles[:1]] == [9 * 3600]
    assert before.articles[0].date.utcoffset().total_seconds() == 7 * 3600


def same_size_edit(path: Path) -> None:
    """Change a file's words without changing its size or its modification time (as a quick second save can)."""
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("của bài 12.", "của bài 21."), encoding="utf-8")
    assert path.stat().st_size == stat.st_size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_same_size_edit_in_the_same_instant_is_still_seen(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    cache = ParseCache(root / ".bantin/cache")
    parse(root, cache)
    session = PreviewSession(BuildRequest(root), root / ".bantin/preview")
    session.rebuild()
    same_size_edit(root / "content/tin-tuc/bai-12.md")
    assert "của bài 21." in next(a for a in parse(root, cache).articles if a.path == "tin-tuc/bai-12.md").body_html
    assert "của bài 21." in next(a for a in parse(root).articles if a.path == "tin-tuc/bai-12.md").body_html
    session.rebuild()
    assert snapshot(root / ".bantin/preview") == clean_preview(root, tmp_path / "fresh")


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    build(BuildRequest(root))
    for file in (root / ".bantin/cache").rglob("*"):
        if file.is_file():  # the parse cache, the memo of outputs, the kept image variants
            file.write_bytes(b"not a cache at all" * 100)  # (and the compiled templates)
    edit_body(root)
    result = build(BuildRequest(root))
    assert result.site is not None
    assert snapshot(root / "public") == clean_build(root, tmp_path / "clean")


def test_the_theme_is_kept_compiled_and_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    footer = (DEFAULT_THEME / "templates/_footer.html").read_text(encoding="utf-8")  # a cached partial, on every page
    (root / "theme/templates").mkdir(parents=True)
    mine = root / "theme/templates/_footer.html"
    mine.write_text(footer.replace("</footer>", "<p>Chân trang một</p></footer>", 1), encoding="utf-8")
    kept = root / ".bantin/cache/templates"
    kept.mkdir(parents=True)
    (kept / "0123456789abcdef-older").write_bytes(b"compiled by another engine")
    build(BuildRequest(root))
    compiled = {file.name: file.read_bytes() for file in kept.iterdir()}
    assert len(compiled) >= 10 and "0123456789abcdef-older" not in compiled  # every template used; another engine's gone
    mine.write_text(footer.replace("</footer>", "<p>Chân trang hai</p></footer>", 1), encoding="utf-8")  # same file, new text
    build(BuildRequest(root))
    assert "Chân trang hai" in (root / "public/index.html").read_text(encoding="utf-8")
    assert snapshot(root / "public") == clean_build(root, tmp_path / "clean")
    recompiled = [name for name, code in compiled.items() if (kept / name).read_bytes() != code]
    assert len(recompiled) == 1  # the footer alone


def test_a_template_kept_compiled_never_carries_the_last_stylesheet_version_or_address(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    build(BuildRequest(root))
    (root / "theme/static").mkdir(parents=True)
    css = (DEFAULT_THEME / "static/bantin.css").read_text(encoding="utf-8")
    (root / "theme/static/bantin.css").write_text(css + "\n.moi { color: #a4161a; }\n", encoding="utf-8")
    build(BuildRequest(root))  # `'bantin.css'|static_url` names the new version
    assert snapshot(root / "public") == clean_build(root, tmp_path / "clean")
    build(BuildRequest(root, base_url="https://vidu.github.io/thu-nghiem/"))  # and `'/'|url` the new address
    page = (root / "public/index.html").read_text(encoding="utf-8")
    assert 'href="/thu-nghiem/"' in page and 'href="/ban-tin/' not in page


def test_without_the_cache_nothing_is_kept_between_builds(tmp_path: Path) -> None:
    root = bulletin(tmp_path)
    build(BuildRequest(root, use_cache=False))
    assert not (root / ".bantin").exists()


def test_an_unchanged_page_is_linked_from_the_last_build_not_rendered(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    build(BuildRequest(root))
    untouched = root / "public/tin-tuc/bai-so-2/index.html"
    inode = untouched.stat().st_ino
    edit_body(root)
    result = build(BuildRequest(root))
    rendered_pages = {name for name in result.rendered if name.endswith(".html")}
    assert rendered_pages == {"tin-tuc/bai-so-12/index.html"}
    assert untouched.stat().st_ino == inode
    assert snapshot(root / "public") == clean_build(root, tmp_path / "clean")


def test_a_template_reading_the_whole_site_re_renders_every_page(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    (root / "theme/templates").mkdir(parents=True)
    footer = (DEFAULT_THEME / "templates/_footer.html").read_text(encoding="utf-8")  # a cached partial, on every page
    (root / "theme/templates/_footer.html").write_text(footer.replace("</footer>", "<p>{{ site.entries|length }} bài</p></footer>", 1),
                                                       encoding="utf-8")
    build(BuildRequest(root))
    session = PreviewSession(BuildRequest(root), root / ".bantin/preview")
    session.rebuild()
    (root / "content/tin-tuc/bai-them.md").write_text(article("Bài thêm", "02/02/2021"), encoding="utf-8")
    build(BuildRequest(root))
    session.rebuild()
    assert "15 bài" in (root / "public/tin-tuc/bai-so-2/index.html").read_text(encoding="utf-8")
    assert snapshot(root / "public") == clean_build(root, tmp_path / "clean")
    assert snapshot(root / ".bantin/preview") == clean_preview(root, tmp_path / "fresh")


def test_many_articles_are_parsed_and_rendered_in_workers_exactly_as_in_one_process(tmp_path: Path) -> None:
    files = {f"content/{'tin-tuc' if n % 3 else 'xay-dung-dang'}/bai-{n}.md":
             article(f"Bài thứ {n}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2015 + n % 8} 08:00",
                     body=f"Đoạn **{n}** -- có \"ngoặc kép\" và [liên kết](https://example.org/{n}).",
                     directives="[Chỉ thị 05]" if n % 2 else "[Kết luận 01]")
             for n in range(230)}
    root = make_site(tmp_path / "site", files)
    build(BuildRequest(root, jobs=2))
    one = make_site(tmp_path / "one", files)
    build(BuildRequest(one, jobs=1, use_cache=False))
    assert snapshot(root / "public") == snapshot(one / "public")
    shutil.rmtree(root / "public")
    build(BuildRequest(root, jobs=2))  # every page again, from the cache, across the workers
    assert snapshot(root / "public") == snapshot(one / "public")


def test_a_template_error_met_in_a_worker_stops_the_build_and_keeps_the_old_site_whole(tmp_path: Path) -> None:
    files = {f"content/tin-tuc/bai-{n}.md": article(f"Bài thứ {n}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2015 + n % 8} 08:00",
                                                    body=f"Đoạn **{n}** có [liên kết](https://example.org/{n}).")
             for n in range(230)}
    root = make_site(tmp_path / "site", files)
    build(BuildRequest(root, jobs=2))
    before = snapshot(root / "public")
    template = (DEFAULT_THEME / "templates" / "article.html").read_text(encoding="utf-8")
    trap = "{% block main %}{% if page.title == 'Bài thứ 117' %}{{ page.no_such_field }}{% endif %}"
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "article.html").write_text(template.replace("{% block main %}", trap, 1), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(BuildRequest(root, jobs=2))
    [problem] = caught.value.problems
    assert problem.path == "theme/templates/article.html" and "no_such_field" in problem.message
    assert snapshot(root / "public") == before
    assert [p.name for p in root.iterdir() if "staging" in p.name] == []
