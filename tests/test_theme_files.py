"""A theme declares a new kind of output with one template in templates/files/, and it is made alike
by a clean build, a cached build and `serve`, with nothing else to write: the proof that outputs are
declared once (bantin/stages/outputs.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from sitekit import SITE_TOML, article, make_site, read, run_build
from test_serve import body_of, serve  # noqa: F401 - serve is a fixture

THEMED = SITE_TOML.replace('per_page = 2', 'per_page = 2\ntheme = "giao-dien"')
# a JSON list of every article, as a search box or an app might read it (not HTML: not escaped)
LIST_TEMPLATE = """[{% for entry in entries %}{{ {"title": entry.article.title, "url": entry.url}|tojson }}{{ "," if not loop.last }}{% endfor %}]
"""
COUNT_TEMPLATE = "{{ entries|length }} bài & {{ config.title }}\n"


def themed_site(root: Path) -> Path:
    """A site whose theme adds /danh-sach.json and /dem/so-bai.txt to the default theme's outputs."""
    return make_site(root, {
        "site.toml": THEMED,
        "giao-dien/templates/files/danh-sach.json": LIST_TEMPLATE,
        "giao-dien/templates/files/dem/so-bai.txt": COUNT_TEMPLATE,
        "content/tin-tuc/bai-mot.md": article("Bài một", body="Đoạn đầu."),
        "content/xay-dung-dang/bai-hai.md": article("Bài hai & ba", date="31/12/2014 08:00"),
    }, site_toml=THEMED)


def titles(text: str) -> list[str]:
    """Read the titles of the theme's JSON list."""
    return [item["title"] for item in json.loads(text)]


def test_a_theme_file_is_made_by_clean_and_cached_builds_and_follows_edits(tmp_path: Path) -> None:
    root = themed_site(tmp_path / "site")
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert titles(read(root, "danh-sach.json")) == ["Bài hai & ba", "Bài một"]  # newest first, not HTML-escaped
    assert read(root, "dem/so-bai.txt") == "2 bài & Bản tin thử\n"

    (root / "content" / "tin-tuc" / "bai-ba.md").write_text(article("Bài mới", date="01/01/2015 09:00"), encoding="utf-8")
    done = run_build(root)  # cached: only what the new article changes is made again
    assert done.code == 0, done.stderr
    assert titles(read(root, "danh-sach.json"))[0] == "Bài mới"
    assert read(root, "dem/so-bai.txt").startswith("3 bài")

    (root / "giao-dien" / "templates" / "files" / "dem" / "so-bai.txt").unlink()
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert not (root / "public" / "dem").exists()  # a file no longer declared is no longer published


def test_a_theme_file_follows_an_edit_in_serve(tmp_path: Path, serve) -> None:
    root = themed_site(tmp_path / "site")
    served = serve(root)
    assert titles(body_of(served, "/ban-tin/danh-sach.json")) == ["Bài hai & ba", "Bài một"]
    source = root / "content" / "tin-tuc" / "bai-mot.md"
    served.reload_after(lambda: source.write_text(article("Bài một, đã sửa", body="Đoạn đầu."), encoding="utf-8"),
                        lambda: "Bài một, đã sửa" in titles(body_of(served, "/ban-tin/danh-sach.json")))
    assert body_of(served, "/ban-tin/dem/so-bai.txt").startswith("2 bài")


def test_a_theme_file_may_not_overwrite_a_page(tmp_path: Path) -> None:
    root = themed_site(tmp_path / "site")
    (root / "giao-dien" / "templates" / "files" / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    done = run_build(root)
    assert done.code == 1
    assert "giao-dien/templates/files/robots.txt: Tệp giao diện này ghi ra “robots.txt”, trùng với" in done.stderr
    assert "→ Đổi tên tệp trong templates/files/." in done.stderr
    assert not (root / "public").exists()


def test_an_error_in_a_theme_file_names_its_template_and_line(tmp_path: Path) -> None:
    root = themed_site(tmp_path / "site")
    (root / "giao-dien" / "templates" / "files" / "hong.txt").write_text("dòng một\n{{ entries[0].khong_co }}\n", encoding="utf-8")
    done = run_build(root)
    assert done.code == 1, done.stderr
    assert "giao-dien/templates/files/hong.txt:2:" in done.stderr
    assert "khong_co" in done.stderr


def test_check_names_a_page_template_that_reads_the_whole_site_but_not_a_theme_file(tmp_path: Path) -> None:
    root = themed_site(tmp_path / "site")
    default_footer = (Path(__file__).resolve().parent.parent / "theme" / "templates" / "_footer.html").read_text(encoding="utf-8")
    (root / "giao-dien" / "templates" / "_footer.html").write_text(
        default_footer + "\n<p>{{ site.entries|length }} bài</p>\n", encoding="utf-8")
    line = default_footer.count("\n") + 2
    done = run_build(root, "check")
    assert done.code == 0, done.stderr
    assert f"giao-dien/templates/_footer.html:{line}: cảnh báo: Mẫu này đọc site.entries, tức là toàn bộ trang web" in done.stderr
    assert "templates/files/" in done.stderr  # the hint: where such a list belongs
    assert "danh-sach.json" not in done.stderr  # a theme file depends on every article anyway: no warning
    done = run_build(root)
    assert done.code == 0, done.stderr
    assert "2 bài</p>" in read(root, "tin-tuc/bai-mot/index.html")  # the whole-site reader still builds, in parallel
