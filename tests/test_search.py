"""Search in real Chromium: with or without tone marks, by directive number, under the sub-path, without JavaScript."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest

from sample_site import PREFIX, build_sample
from sitekit import REPO, SITE_TOML, article, make_site, run_build
from tools import format_axe, new_context, run_axe, serve_directory

SEARCH = "tim-kiem/"
DANG_BO = "Đảng bộ phường Hòa Bình sơ kết ba năm"  # the start of a sample title with "Đảng bộ" in it
CHI_THI_05 = "Khối cơ quan tỉnh học tập, quán triệt Chỉ thị 05"
INTERVIEW = "Trưởng Ban Tuyên giáo Đảng ủy Khối: Làm theo Bác"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample bulletin served under /ban-tin/; yields the base URL."""
    with serve_directory(build_sample(tmp_path_factory), prefix=PREFIX) as base:
        yield base


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    """A page with JavaScript on."""
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def results_for(page: Any, base: str, query: str) -> list[dict[str, str]]:
    """Open the search page for `query`, wait for its answer, and list the results shown (title, URL, meta, excerpt)."""
    page.goto(f"{base}{SEARCH}?q={quote(query)}")
    page.wait_for_function("document.querySelector('#ket-qua li') || "
                           "document.getElementById('ket-qua-trang-thai').textContent.startsWith('Không')")
    return page.eval_on_selector_all("#ket-qua li", """items => items.map(li => ({
        title: li.querySelector('a').textContent, url: li.querySelector('a').getAttribute('href'),
        meta: li.querySelector('.teaser-meta').textContent, excerpt: li.querySelector('.teaser-summary').innerHTML}))""")


@pytest.mark.parametrize("query", ["dang bo", "Đảng bộ", "đang bo", "DANG BO"])
def test_a_query_finds_dang_bo_with_or_without_tone_marks(page: Any, site: str, query: str) -> None:
    found = results_for(page, site, query)
    assert any(r["title"].startswith(DANG_BO) for r in found[:3]), [r["title"] for r in found]
    assert all("\u0335" not in r["excerpt"] for r in found)  # the stroke written for Pagefind never shows
    first = next(r for r in found if r["title"].startswith(DANG_BO))
    assert "<mark>Đảng</mark>" in first["excerpt"] and "<mark>bộ</mark>" in first["excerpt"]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} · .+", first["meta"])  # the date and the section


@pytest.mark.parametrize("query", ["chi thi 05", "05-CT/TW", "Chỉ thị 05"])
def test_a_directive_by_number_finds_the_articles_that_implement_it(page: Any, site: str, query: str) -> None:
    titles = [r["title"] for r in results_for(page, site, query)]
    assert any(t.startswith(CHI_THI_05) for t in titles), titles


def test_kl_01_and_lam_theo_bac_and_an_interview_phrase(page: Any, site: str) -> None:
    assert any("Kết luận" in t or "487" in t for t in (r["title"] for r in results_for(page, site, "KL 01")))
    assert len(results_for(page, site, "lam theo bac")) >= 5
    interview = (REPO / "content/phong-van/2021-05-25-lam-theo-bac-bat-dau-tu-viec-cu-the.md").read_text(encoding="utf-8")
    answer = next(line for line in interview.split("\n\n")[4:] if len(line.split()) > 12 and not line.startswith(("#", "**", ">")))
    phrase = " ".join(re.sub(r"[^\w\s]", " ", answer).split()[3:7])  # four words from the middle of a paragraph
    titles = [r["title"] for r in results_for(page, site, phrase)]
    assert any(t.startswith(INTERVIEW) for t in titles), (phrase, titles)


def test_nonsense_says_nothing_was_found_and_offers_other_ways(page: Any, site: str) -> None:
    assert results_for(page, site, "xqzwv kptlm") == []
    status = page.text_content("#ket-qua-trang-thai")
    assert status.startswith("Không tìm thấy bài nào cho “xqzwv kptlm”")
    assert page.is_visible(".search-fallback a[href='/ban-tin/luu-tru/']")


def test_results_link_to_articles_under_the_sub_path_and_the_query_is_shareable(page: Any, site: str) -> None:
    found = results_for(page, site, "dang bo")
    assert found and all(r["url"].startswith("/ban-tin/") for r in found)
    response = page.goto(site.split("/ban-tin/")[0] + found[0]["url"])
    assert response.status == 200 and DANG_BO.split()[0] in page.title()


def test_filters_by_section_and_directive(page: Any, site: str) -> None:
    results_for(page, site, "bac")
    page.select_option("#loc-chuyen-muc", label="Xây dựng Đảng")
    page.wait_for_function("[...document.querySelectorAll('#ket-qua .teaser-meta')].every(m => m.textContent.includes('Xây dựng Đảng'))"
                           " && document.querySelector('#ket-qua li')")
    assert "chuyen-muc=" in page.url  # the filter is in the address too
    page.select_option("#loc-chuyen-muc", value="")
    page.select_option("#loc-van-ban", label="Kết luận 01-KL/TW")
    page.wait_for_timeout(500)
    titles = page.eval_on_selector_all("#ket-qua a", "links => links.map(a => a.textContent)")
    assert titles and not any(t.startswith(CHI_THI_05) for t in titles)


def test_the_whole_flow_works_by_keyboard(page: Any, site: str) -> None:
    page.goto(site)
    page.focus("#tim-nhanh")  # the masthead's box, on every page
    page.keyboard.type("Đảng bộ")
    page.keyboard.press("Enter")
    page.wait_for_selector("#ket-qua li")
    assert page.url.startswith(site + SEARCH) and "q=" in page.url
    page.focus("#tu-khoa")
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#ket-qua') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('#ket-qua') !== null")  # reached a result by Tab alone
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/tim-kiem/" not in page.url


def test_without_javascript_the_search_page_offers_the_archive_sections_and_directives(browser: Any, site: str) -> None:
    context = new_context(browser, java_script_enabled=False)
    off = context.new_page()
    off.goto(site)
    off.fill("#tim-nhanh", "dang bo")
    off.press("#tim-nhanh", "Enter")  # the masthead form submits to the search page as a plain GET
    off.wait_for_load_state()
    assert off.url == f"{site}{SEARCH}?q=dang+bo"
    assert "Ô tìm kiếm cần JavaScript" in off.inner_text("main")
    links = off.eval_on_selector_all(".search-fallback a", "links => links.map(a => a.getAttribute('href'))")
    assert {"/ban-tin/luu-tru/", "/ban-tin/van-ban/", "/ban-tin/xay-dung-dang/"} <= set(links)
    assert off.is_hidden(".search-filters")  # nothing that needs the script is offered
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_with_results_showing(browser: Any, site: str, scheme: str) -> None:
    context = new_context(browser, color_scheme=scheme, viewport={"width": 1280, "height": 900})
    shown = context.new_page()
    assert results_for(shown, site, "dang bo")
    violations = run_axe(shown)
    context.close()
    assert not violations, format_axe(violations)


def test_the_rest_of_the_site_has_no_script(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = build_sample(tmp_path_factory)
    scripted = [p.relative_to(out).as_posix() for p in out.rglob("*.html")
                if "<script" in p.read_text(encoding="utf-8").replace('<script type="application/ld+json">', "")
                and p.parent.name != "tim-kiem"]
    assert scripted == []


def test_search_can_be_turned_off_and_a_missing_pagefind_is_named(tmp_path: Path) -> None:
    files = {"content/tin-tuc/bai.md": article("Bài một")}
    off = make_site(tmp_path / "off", files, site_toml=SITE_TOML + "\n[search]\nenabled = false\n")
    assert run_build(off).code == 0
    assert not (off / "public/pagefind").exists() and not (off / "public/tim-kiem").exists()
    assert 'role="search"' not in (off / "public/index.html").read_text(encoding="utf-8")
    on = make_site(tmp_path / "on", files)
    assert run_build(on).code == 0
    before = (on / "public/index.html").read_bytes()
    (on / "content/tin-tuc/bai.md").write_text(article("Bài một, sửa"), encoding="utf-8")
    environment = {"PAGEFIND_BINARY_PATH": str(tmp_path / "khong-co" / "pagefind")}  # the wrapper's own setting
    for command in ((), ("check",)):
        done = run_build(on, *command, env=environment)
        assert done.code == 1, done.stderr
        assert "Pagefind" in done.stderr and "bash scripts/setup.sh" in done.stderr and "[search] enabled = false" in done.stderr
        assert "Lỗi nội bộ" not in done.stderr
    assert (on / "public/index.html").read_bytes() == before


def test_an_unchanged_bulletin_reuses_its_index_and_an_edit_is_found(tmp_path: Path, browser: Any) -> None:
    root = make_site(tmp_path, {"content/tin-tuc/bai.md": article("Bài về chi bộ", body="Nội dung cũ.")})
    assert run_build(root).code == 0
    kept = sorted((root / ".bantin/cache/search").iterdir())
    shutil.rmtree(root / "public")
    assert run_build(root).code == 0
    assert sorted((root / ".bantin/cache/search").iterdir()) == kept  # the same records: Pagefind not run again
    (root / "content/tin-tuc/bai.md").write_text(article("Bài về chi bộ", body="Nội dung mới về hợp tác xã."), encoding="utf-8")
    assert run_build(root).code == 0
    with serve_directory(root / "public", prefix="/ban-tin/") as base:
        context = new_context(browser)
        found = results_for(context.new_page(), base, "hop tac xa")
        context.close()
    assert [r["title"] for r in found] == ["Bài về chi bộ"]


def test_the_index_bundle_holds_only_what_the_search_page_loads(tmp_path_factory: pytest.TempPathFactory) -> None:
    bundle = build_sample(tmp_path_factory) / "pagefind"
    names = {p.relative_to(bundle).as_posix().split("/")[0] for p in bundle.rglob("*") if p.is_file()}
    assert {"pagefind.js", "pagefind-entry.json", "index", "fragment"} <= names
    assert not any("ui" in name or "highlight" in name for name in names)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["vi"] and entry["languages"]["vi"]["page_count"] == 18  # 16 articles with a page (one links out), 2 pages


def test_in_serve_an_edited_title_is_found_at_once_without_rebuilding_the_whole_index(tmp_path: Path, browser: Any) -> None:
    from bantin.pipeline import BuildRequest
    from bantin.speed.patcher import PreviewSession

    root = make_site(tmp_path, {f"content/tin-tuc/bai-{n}.md": article(f"Bài số {n} về chi bộ", f"{n:02d}/03/2021 08:00")
                                for n in range(1, 6)})
    preview = root / ".bantin/preview"
    session = PreviewSession(BuildRequest(root, jobs=1), preview)
    try:
        titles = edit_while_serving(session, root, preview, browser)
    finally:
        session.close()
    assert sorted(titles) == ["Bài số 1 về chi bộ", "Bài số 2 về chi bộ", "Bài số 4 về chi bộ"]  # not the old title, not the deleted


def edit_while_serving(session: Any, root: Path, preview: Path, browser: Any) -> list[str]:
    """Retitle one article and delete another while serving; search the preview; return the titles found for "chi bo"."""
    session.rebuild()
    index = (preview / "pagefind/pagefind-entry.json").read_bytes()
    path = root / "content/tin-tuc/bai-3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Bài số 3 về chi bộ", "Bài số 3 về hợp tác xã"), encoding="utf-8")
    session.rebuild()
    assert (preview / "pagefind/pagefind-entry.json").read_bytes() == index  # the full index stays as it was
    changed = json.loads((preview / "pagefind-recent/changed.json").read_text(encoding="utf-8"))
    assert changed["indexed"] and set(changed["urls"]) == {"/tin-tuc/bai-so-3-ve-hop-tac-xa/", "/tin-tuc/bai-so-3-ve-chi-bo/"}
    (root / "content/tin-tuc/bai-5.md").unlink()
    session.rebuild()
    with serve_directory(preview, prefix="/ban-tin/") as base:
        context = new_context(browser)
        shown = context.new_page()
        assert [r["title"] for r in results_for(shown, base, "hop tac xa")] == ["Bài số 3 về hợp tác xã"]
        titles = [r["title"] for r in results_for(shown, base, "chi bo")]
        context.close()
    return titles
