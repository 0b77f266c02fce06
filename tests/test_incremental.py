"""Incremental and cached builds write exactly what a clean build writes.

One site goes through a series of edits: a body, a title, a new article, a rename, a
deletion, the directives register, an image, a draft, a theme template, site.toml. After
each, the cached build (`build`, with .bantin/) and a long-lived preview session must be
byte-identical to a clean build of the same sources (`--no-cache`, a fresh session).
"""

from __future__ import annotations

import io
import os
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import pytest
from PIL import Image

from bantin.pipeline import BuildRequest, build
from bantin.stages.theme import DEFAULT_THEME
from bantin.speed.stamp import read_stamp, scan
from bantin.speed.patcher import PreviewSession
from sitekit import SITE_TOML, article, make_site, run_build, snapshot

SECTIONS = ("tin-tuc", "xay-dung-dang")
DIRECTIVES = ("[Chỉ thị 05]", "[Kết luận 01]", "[Chỉ thị 05, Kết luận 01]", "[]")


def bulletin(root: Path) -> Path:
    """A small bulletin with enough articles for lists, neighbours, feeds and pagination."""
    files: dict[str, str | bytes] = {}
    for n in range(1, 15):
        fields = {"directives": DIRECTIVES[n % 4]}
        if n == 4:
            fields |= {"image": "anh.svg", "image_alt": "Ảnh hội nghị"}
        if n == 6:
            fields |= {"related": "[bai-so-2]", "aliases": "[/Pages/bai-sau.aspx]"}
        if n in (2, 9):
            fields["featured"] = "true"
        body = f"Đoạn mở đầu của bài {n}.\n\nĐoạn thứ hai, có [một liên kết](../tin-tuc/bai-1.md)." if n in (3, 8) else f"Đoạn mở đầu của bài {n}."
        if n == 8:
            body += "\n\n![Ảnh trong bài](anh.svg)"  # its size is written into the body (see edit_image)
        files[f"content/{SECTIONS[n % 2]}/bai-{n}.md"] = article(f"Bài số {n}", f"{n:02d}/03/2021 08:00", body=body, **fields)
    files["content/tin-tuc/bai-1.md"] = files.pop("content/xay-dung-dang/bai-1.md")
    files["content/tin-tuc/anh.svg"] = '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"></svg>'
    files["content/tin-tuc/anh-chup.jpg"] = photo(900, 600)  # bai-12's lead photo, then in bodies (see the photo edits)
    files["content/tin-tuc/bai-12.md"] = files["content/tin-tuc/bai-12.md"].replace("---\n\n", "image: anh-chup.jpg\nimage_alt: Ảnh chụp\n---\n\n", 1)
    files["content/pages/gioi-thieu.md"] = article("Giới thiệu", "01/01/2020", body="Về bản tin.")
    return make_site(root, files)


def edit_body(root: Path) -> None:
    """Add a sentence at the end of an article (only that article's page changes)."""
    with open(root / "content/tin-tuc/bai-12.md", "a", encoding="utf-8") as file:
        file.write("\nMột câu mới thêm vào cuối bài.\n")


def edit_title(root: Path) -> None:
    """Retitle an article: its URL, lists, neighbours and feeds change."""
    path = root / "content/xay-dung-dang/bai-5.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Bài số 5", "Bài số năm, đã sửa"), encoding="utf-8")


def retitle_linked_article(root: Path) -> None:
    """Retitle an article two others link to in their bodies: their links follow its new URL."""
    path = root / "content/tin-tuc/bai-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Bài số 1", "Bài số một"), encoding="utf-8")


def add_article(root: Path) -> None:
    """Add the newest article."""
    (root / "content/xay-dung-dang/bai-moi.md").write_text(
        article("Bài mới nhất", "20/03/2021 09:00", body="Nội dung mới.", directives="[Kết luận 01]", featured="true"),
        encoding="utf-8")


def rename_article(root: Path) -> None:
    """Move an article's file (its slug, from the title, stays)."""
    (root / "content/tin-tuc/bai-10.md").rename(root / "content/xay-dung-dang/bai-muoi.md")


def delete_article(root: Path) -> None:
    """Delete an article nothing links to in its body."""
    (root / "content/tin-tuc/bai-14.md").unlink()


def edit_register(root: Path) -> None:
    """Change a directive's summary in the register."""
    path = root / "content/directives.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('summary = "Tóm tắt."', 'summary = "Tóm tắt mới."'), encoding="utf-8")


def edit_image(root: Path) -> None:
    """Replace an image (one article's lead photo, another's in its body) with one of another size."""
    (root / "content/tin-tuc/anh.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"></svg>', encoding="utf-8")


def photo(width: int, height: int, shade: int = 0) -> bytes:
    """Return a JPEG photo of a gradient."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).point(lambda v: (v + shade) % 256).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def show_photo_in_body(root: Path) -> None:
    """Show a new photo in an article's body (its variants are declared by that edit alone)."""
    (root / "content/tin-tuc/anh-moi.jpg").write_bytes(photo(1300, 700, 40))
    with open(root / "content/tin-tuc/bai-8.md", "a", encoding="utf-8") as file:
        file.write("\n![Ảnh mới](anh-moi.jpg)\n")


def link_to_original(root: Path) -> None:
    """Link to a photo's original file from a body: the original is published beside its variants."""
    with open(root / "content/tin-tuc/bai-8.md", "a", encoding="utf-8") as file:
        file.write("\n[Tải ảnh gốc](anh-moi.jpg)\n")


def replace_photo(root: Path) -> None:
    """Replace a lead photo with a narrower one (fewer variants)."""
    (root / "content/tin-tuc/anh-chup.jpg").write_bytes(photo(500, 400, 90))


def make_draft(root: Path) -> None:
    """Turn an article into a draft (gone from the site, badged in the preview)."""
    path = root / "content/xay-dung-dang/bai-7.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n\n", "status: draft\n---\n\n", 1), encoding="utf-8")


def edit_template(root: Path) -> None:
    """Override the article template in the site's own theme folder."""
    (root / "theme/templates").mkdir(parents=True, exist_ok=True)
    source = (DEFAULT_THEME / "templates/article.html").read_text(encoding="utf-8")
    (root / "theme/templates/article.html").write_text(source.replace("</article>", "<!-- mẫu riêng --></article>", 1),
                                                       encoding="utf-8")


def edit_config(root: Path) -> None:
    """Change the tagline in site.toml."""
    (root / "site.toml").write_text(SITE_TOML.replace("Khẩu hiệu thử", "Khẩu hiệu mới"), encoding="utf-8")


EDITS: list[Callable[[Path], None]] = [edit_body, edit_title, retitle_linked_article, add_article, rename_article,
                                       delete_article, edit_register, edit_image, show_photo_in_body, link_to_original, replace_photo,
                                       make_draft, edit_template, edit_config]


def copy_sources(root: Path, to: Path) -> Path:
    """Copy a site's sources (not its output or cache) to a fresh folder."""
    to.mkdir(parents=True)
    shutil.copy2(root / "site.toml", to / "site.toml")
    for folder in ("content", "theme"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, to / folder)
    return to


def clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    """Build a copy of the sources from nothing and return its output."""
    copy = copy_sources(root, scratch)
    build(BuildRequest(copy, use_cache=False))
    return snapshot(copy / "public")


def clean_preview(root: Path, scratch: Path) -> dict[str, bytes]:
    """Build a copy of the sources in a fresh preview session and return its output."""
    copy = copy_sources(root, scratch)
    PreviewSession(BuildRequest(copy, use_cache=False), copy / "preview").rebuild()
    return snapshot(copy / "preview")


def test_cached_builds_match_clean_builds_after_every_kind_of_edit(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    build(BuildRequest(root))
    for number, edit in enumerate(EDITS):
        edit(root)
        result = build(BuildRequest(root))
        assert result.site is not None, f"{edit.__name__}: an input changed, yet the build was skipped"
        assert snapshot(root / "public") == clean_build(root, tmp_path / f"clean-{number}"), edit.__name__


def test_preview_rebuilds_match_a_fresh_preview_after_every_kind_of_edit(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    session = PreviewSession(BuildRequest(root), root / ".bantin/preview")
    session.rebuild()
    for number, edit in enumerate(EDITS):
        edit(root)
        rebuilt = session.rebuild()
        preview = snapshot(root / ".bantin/preview")
        assert preview == clean_preview(root, tmp_path / f"fresh-{number}"), edit.__name__
        assert rebuilt.report.written + rebuilt.report.unchanged == len(preview) + 1, edit.__name__  # + the search index


def test_a_body_edit_rewrites_only_that_article_in_the_preview(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    session = PreviewSession(BuildRequest(root), root / ".bantin/preview")
    session.rebuild()
    before = snapshot(root / ".bantin/preview")
    edit_body(root)
    assert session.rebuild().report.written >= 1
    after = snapshot(root / ".bantin/preview")
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed and all(name == "tin-tuc/bai-so-12/index.html" or name.endswith("feed.xml") for name in changed), changed
    assert "Một câu mới thêm vào cuối bài." in after["tin-tuc/bai-so-12/index.html"].decode("utf-8")


def test_deleting_an_article_removes_its_page_and_every_link_to_it(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    build(BuildRequest(root))
    session = PreviewSession(BuildRequest(root), root / ".bantin/preview")
    session.rebuild()
    assert "/ban-tin/tin-tuc/bai-so-14/" in (root / "public/index.html").read_text(encoding="utf-8")
    delete_article(root)
    build(BuildRequest(root))
    session.rebuild()
    for folder in (root / "public", root / ".bantin/preview"):
        assert not (folder / "tin-tuc/bai-so-14/index.html").exists()
        mentions = [name for name, data in snapshot(folder).items() if b"bai-so-14" in data or "Bài số 14".encode() in data]
        assert mentions == [], f"{folder.name} still links to the deleted article from {mentions}"


def backdate(root: Path, seconds: float = 60) -> None:
    """Give every source an old modification time, as if saved a minute ago (a build trusts only settled times)."""
    moment = time.time() - seconds
    for path in [root / "site.toml", *root.joinpath("content").rglob("*")]:
        os.utime(path, (moment, moment))


def test_a_rebuild_with_nothing_changed_returns_at_once_with_the_same_summary(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    backdate(root)
    first = run_build(root)
    assert first.code == 0, first.stderr
    before = snapshot(root / "public")
    again = run_build(root)
    assert again.code == 0, again.stderr
    summary = lambda text: text.split(" trong ")[0]  # noqa: E731 - the time differs
    assert summary(again.stdout) == summary(first.stdout) == f"Đã dựng 43 trang (14 bài viết) vào {root / 'public'}"
    assert build(BuildRequest(root)).site is None  # the stamp answered: nothing was rebuilt
    assert snapshot(root / "public") == before


def test_the_stamp_is_ignored_when_the_output_was_touched_or_an_article_came_due(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    soon = datetime.now().astimezone() + timedelta(days=2)
    (root / "content/tin-tuc/hen-gio.md").write_text(article("Bài hẹn giờ", soon.strftime("%d/%m/%Y %H:%M")), encoding="utf-8")
    backdate(root)
    build(BuildRequest(root))
    (root / "public/index.html").write_text("sửa tay", encoding="utf-8")
    (root / "public/la.txt").write_text("tệp lạ", encoding="utf-8")
    assert build(BuildRequest(root)).site is not None
    assert "sửa tay" not in (root / "public/index.html").read_text(encoding="utf-8")
    assert not (root / "public/la.txt").exists()
    assert build(BuildRequest(root)).site is None
    later = build(BuildRequest(root, now=soon + timedelta(hours=1)))
    assert later.site is not None and (root / "public/tin-tuc/bai-hen-gio/index.html").is_file()


@pytest.mark.parametrize("option", [["--drafts"], ["--base-url", "https://example.org/khac/"]])
def test_the_stamp_is_ignored_when_the_options_differ(tmp_path: Path, option: list[str]) -> None:
    root = bulletin(tmp_path / "site")
    make_draft(root)
    backdate(root)
    assert run_build(root).code == 0
    result = run_build(root, *option)
    assert result.code == 0, result.stderr
    expected = clean_copy_with(root, tmp_path / "clean", option)
    assert snapshot(root / "public") == expected


def clean_copy_with(root: Path, scratch: Path, option: list[str]) -> dict[str, bytes]:
    """Build a copy of the sources from nothing with command-line options and return its output."""
    copy = copy_sources(root, scratch)
    result = run_build(copy, "--no-cache", *option)
    assert result.code == 0, result.stderr
    return snapshot(copy / "public")


def test_a_preview_rebuild_told_what_changed_looks_only_there_and_still_matches(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    session = PreviewSession(BuildRequest(root), root / ".bantin/preview")
    session.rebuild()
    edit_body(root)
    session.rebuild(changed=[root / "content/tin-tuc/bai-12.md", root / "content/.bai-12.md.swp"])
    assert snapshot(root / ".bantin/preview") == clean_preview(root, tmp_path / "fresh-1")
    add_article(root)
    edit_config(root)
    session.rebuild(changed=[root / "content/xay-dung-dang/bai-moi.md", root / "site.toml"])
    assert snapshot(root / ".bantin/preview") == clean_preview(root, tmp_path / "fresh-2")


def test_a_new_preview_session_removes_pages_an_earlier_one_left(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": article("Bài A"), "content/tin-tuc/b.md": article("Bài B")})
    preview = root / ".bantin" / "preview"
    PreviewSession(BuildRequest(root=root, jobs=1), preview).rebuild()
    assert (preview / "tin-tuc/bai-b/index.html").exists()
    (root / "content/tin-tuc/b.md").unlink()  # deleted while no preview was running
    PreviewSession(BuildRequest(root=root, jobs=1), preview).rebuild()
    assert not (preview / "tin-tuc/bai-b/index.html").exists()
    assert (preview / "tin-tuc/bai-a/index.html").exists()


def test_the_stamp_lists_the_output_as_a_full_scan_finds_it_after_a_first_build_and_a_recycled_one(tmp_path: Path) -> None:
    root = bulletin(tmp_path / "site")
    for edit in (lambda root: None, delete_article, edit_title):  # the second and third builds recycle a spare folder
        edit(root)
        backdate(root)  # else the stamp is withheld: an input changed too recently to trust its time
        build(BuildRequest(root))
        stamp = read_stamp(root)
        assert stamp is not None and stamp.listing == ("", *sorted(entry[0] for entry in scan(root / "public")))
