"""Whole-site behaviour, one inline-fixture site per test: URLs, lists, directives, feeds, sub-paths."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from sitekit import article, make_site, read, run_build, snapshot

ATOM = "{http://www.w3.org/2005/Atom}"


def build_ok(root: Path, *args: str):
    """Build and insist on success."""
    result = run_build(root, *args)
    assert result.code == 0, result.stderr
    return result


def test_article_page_has_every_part(tmp_path: Path) -> None:
    make_site(tmp_path, {
        "content/tin-tuc/bai-a.md": article("Huyện ủy học tập chuyên đề", "30/12/2014 07:42", body="""
            Đoạn mở đầu.

            ![Hội nghị](anh.svg "Quang cảnh hội nghị")
            """, directives="[Chỉ thị số 05-CT/TW]", author="Thành Nhân", source="Theo Báo ĐCSVN",
            attachments="[ke-hoach.pdf]", image="anh.svg", image_alt="Ảnh đại diện", image_caption="Chú thích ảnh đầu"),
        "content/tin-tuc/anh.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360"></svg>',
        "content/tin-tuc/ke-hoach.pdf": b"%PDF-1.4\n%%EOF\n",
    })
    build_ok(tmp_path)
    html = read(tmp_path, "tin-tuc/huyen-uy-hoc-tap-chuyen-de/index.html")
    assert '<a href="/ban-tin/tin-tuc/">Tin tức</a>' in html  # breadcrumb to its section, under the sub-path
    assert "Thứ Ba, 30/12/2014, 07:42" in html
    assert "<h1>Huyện ủy học tập chuyên đề</h1>" in html
    assert 'src="/ban-tin/tin-tuc/anh.svg" alt="Ảnh đại diện" width="640" height="360" fetchpriority="high" decoding="async">' in html
    assert "<figcaption>Chú thích ảnh đầu</figcaption>" in html
    assert 'width="640" height="360"' in html.split("prose")[1]  # body images get their size too
    assert "Thành Nhân" in html and "Theo Báo ĐCSVN" in html
    assert '<a class="directive-tag" href="/ban-tin/van-ban/2016/chi-thi-05-ct-tw/">Chỉ thị 05-CT/TW</a>' in html
    assert 'href="/ban-tin/tin-tuc/ke-hoach.pdf" download>ke-hoach.pdf</a>' in html
    assert (tmp_path / "public/tin-tuc/ke-hoach.pdf").read_bytes() == b"%PDF-1.4\n%%EOF\n"
    assert "Lượt người xem" not in html and "Xem nhiều" not in html


def test_related_lists_explicit_items_first_then_shared_directives(tmp_path: Path) -> None:
    make_site(tmp_path, {
        "content/tin-tuc/a.md": article("Bài A", "01/01/2020", directives="[Chỉ thị 05]", related="[bai-c]"),
        "content/tin-tuc/b.md": article("Bài B", "01/02/2020", directives="[Chỉ thị 05]"),
        "content/xay-dung-dang/c.md": article("Bài C", "01/03/2020", directives="[Kết luận 01]"),
        "content/tin-tuc/d.md": article("Bài D", "01/04/2020"),
    })
    build_ok(tmp_path)
    html = read(tmp_path, "tin-tuc/bai-a/index.html")
    related = html.split('id="tin-lien-quan"')[1].split("</section>")[0]
    assert re.findall(r">(Bài [A-D])</a>", related) == ["Bài C", "Bài B"]
    others = html.split('id="cac-tin-khac"')[1].split("</section>")[0]
    assert re.findall(r">(Bài [A-D])</a>", others) == ["Bài D", "Bài B"]


def test_directive_pages_paginate_with_feeds_and_index_counts(tmp_path: Path) -> None:
    files = {f"content/tin-tuc/bai-{n}.md": article(f"Bài số {n}", f"0{n}/01/2020", directives="[Chỉ thị 05-CT/TW]") for n in range(1, 6)}
    make_site(tmp_path, files)
    build_ok(tmp_path)
    first = read(tmp_path, "van-ban/2016/chi-thi-05-ct-tw/index.html")
    assert "<h1>Chỉ thị 05-CT/TW</h1>" in first and "15/05/2016" in first
    assert re.findall(r">(Bài số \d)</a>", first) == ["Bài số 5", "Bài số 4"]  # newest first, per_page = 2
    assert 'href="/ban-tin/van-ban/2016/chi-thi-05-ct-tw/trang/2/" rel="next"' in first
    third = read(tmp_path, "van-ban/2016/chi-thi-05-ct-tw/trang/3/index.html")
    assert re.findall(r">(Bài số \d)</a>", third) == ["Bài số 1"]
    index = read(tmp_path, "van-ban/index.html")
    assert index.index("Chỉ thị 05-CT/TW") < index.index("Kết luận 01-KL/TW")  # in date order
    assert "5 bài viết" in index and "0 bài viết" in index
    feed = ET.parse(tmp_path / "public/van-ban/2016/chi-thi-05-ct-tw/feed.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == [f"Bài số {n}" for n in range(5, 0, -1)]
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://example.org/ban-tin/tin-tuc/bai-so-5/"


def test_unknown_directive_lists_the_closest_known_ones(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Bài A", directives="[Chỉ thị 50-CT/TW]")})
    result = run_build(tmp_path)
    assert result.code == 1
    assert "content/tin-tuc/a.md:4: Văn bản chỉ đạo chưa có trong danh mục: “Chỉ thị 50-CT/TW”." in result.stderr
    assert "Các văn bản gần nhất: “Chỉ thị 05-CT/TW”" in result.stderr


def test_drafts_future_and_expired_items_are_left_out(tmp_path: Path) -> None:
    make_site(tmp_path, {
        "content/tin-tuc/nhap.md": article("Bản nháp", status="draft"),
        "content/tin-tuc/sau.md": article("Bài hẹn giờ", "01/01/2999 08:00"),
        "content/tin-tuc/het.md": article("Bài hết hạn", expires="01/01/2001"),
        "content/tin-tuc/dang.md": article("Bài đã đăng"),
    })
    build_ok(tmp_path)
    files = snapshot(tmp_path / "public")
    text = b"".join(files.values()).decode("utf-8", "replace")
    assert "Bài đã đăng" in text
    assert "Bản nháp" not in text and "Bài hẹn giờ" not in text and "Bài hết hạn" not in text
    build_ok(tmp_path, "--drafts", "--future")
    assert (tmp_path / "public/tin-tuc/ban-nhap/index.html").exists()
    assert (tmp_path / "public/tin-tuc/bai-hen-gio/index.html").exists()


def test_lists_archive_pages_404_and_redirects(tmp_path: Path) -> None:
    make_site(tmp_path, {
        "content/tin-tuc/a.md": article("Bài năm 2014", "30/12/2014", aliases='["/Pages/bai-cu.aspx"]'),
        "content/xay-dung-dang/b.md": article("Bài năm 2016", "20/05/2016", featured="true"),
        "content/tin-tuc/c.md": article("Tài liệu ngoài", "21/05/2016", external_url="https://dangcongsan.vn/"),
        "content/pages/gioi-thieu.md": "---\ntitle: Giới thiệu\n---\nVề bản tin.\n",
    })
    build_ok(tmp_path)
    assert "Bài năm 2014" in read(tmp_path, "luu-tru/2014/index.html")
    assert 'href="/ban-tin/luu-tru/2016/">Năm 2016</a> <span class="count">2 bài' in read(tmp_path, "luu-tru/index.html")
    assert "<h1>Giới thiệu</h1>" in read(tmp_path, "gioi-thieu/index.html")
    assert 'href="/ban-tin/static/bantin.css' in read(tmp_path, "404.html")
    redirect = read(tmp_path, "Pages/bai-cu.aspx/index.html")
    assert 'content="0; url=/ban-tin/tin-tuc/bai-nam-2014/"' in redirect
    home = read(tmp_path, "index.html")
    assert home.index("Bài năm 2016") < home.index("Bài năm 2014")  # the featured item leads
    assert 'href="https://dangcongsan.vn/" rel="external"' in home
    assert not (tmp_path / "public/tin-tuc/tai-lieu-ngoai").exists()


def test_feeds_sitemap_and_robots_use_absolute_urls(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Bài A", body="Có <b>chữ đậm</b> & ký hiệu.")})
    build_ok(tmp_path)
    feed = ET.parse(tmp_path / "public/feed.xml").getroot()
    assert feed.find(f"{ATOM}updated").text == "2014-12-30T07:42:00+07:00"
    assert "<b>chữ đậm</b>" in feed.find(f"{ATOM}entry/{ATOM}content").text
    ET.parse(tmp_path / "public/tin-tuc/feed.xml")
    sitemap = read(tmp_path, "sitemap.xml")
    assert "<loc>https://example.org/ban-tin/tin-tuc/bai-a/</loc><lastmod>2014-12-30</lastmod>" in sitemap
    assert "404" not in sitemap
    assert read(tmp_path, "robots.txt").endswith("Sitemap: https://example.org/ban-tin/sitemap.xml\n")


def test_base_url_override_moves_every_link(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Bài A", body="[trang](../pages/gt.md)"),
                         "content/pages/gt.md": "---\ntitle: Giới thiệu\n---\nx\n"})
    build_ok(tmp_path, "--base-url", "https://bao.example.vn/tinh/ban-tin-2/")
    for name, data in snapshot(tmp_path / "public").items():
        if name.endswith(".html"):
            links = re.findall(r'(?:href|src)="(/[^"]*)"', data.decode())
            assert links and all(link.startswith("/tinh/ban-tin-2/") for link in links), name
    assert 'href="/tinh/ban-tin-2/gioi-thieu/"' in read(tmp_path, "tin-tuc/bai-a/index.html")


def test_json_ld_describes_the_article(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Bài </script> A", author="Hương Dịu")})
    build_ok(tmp_path)
    html = read(tmp_path, "tin-tuc/bai-script-a/index.html")
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "NewsArticle" and data["headline"] == "Bài </script> A"
    assert data["datePublished"] == "2014-12-30T07:42:00+07:00" and data["author"]["name"] == "Hương Dịu"


def test_summary_line_and_determinism(tmp_path: Path) -> None:
    make_site(tmp_path, {f"content/tin-tuc/b{n}.md": article(f"Bài {n}", f"{n:02d}/03/2019") for n in range(1, 8)})
    result = build_ok(tmp_path, "--no-cache")
    assert re.fullmatch(r"Đã dựng \d+ trang \(7 bài viết\) vào .+public trong \d+,\d\d giây\.\n", result.stdout)
    first = snapshot(tmp_path / "public")
    build_ok(tmp_path, "--no-cache")
    assert snapshot(tmp_path / "public") == first


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Bài A")})
    build_ok(tmp_path)
    before = snapshot(tmp_path / "public")
    (tmp_path / "content/tin-tuc/b.md").write_text(article("Bài B", date="31/02/2020"), encoding="utf-8")
    (tmp_path / "content/tin-tuc/c.md").write_text("---\ntitle: Bài C\n---\nx\n", encoding="utf-8")
    result = run_build(tmp_path)
    assert result.code == 1
    assert "content/tin-tuc/b.md:3: Trường “date”: ngày “31/02/2020” không có thật" in result.stderr
    assert "content/tin-tuc/c.md:1: Thiếu trường bắt buộc “date”." in result.stderr  # reported together
    assert snapshot(tmp_path / "public") == before


def test_refuses_dangerous_output_folders(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Bài A")})
    for output in (".", "content", "theme", "..", "/tmp"):
        result = run_build(tmp_path, "--output", output)
        assert result.code == 1, output
        assert "Thư mục xuất" in result.stderr
    assert (tmp_path / "content/tin-tuc/a.md").exists()


def test_two_articles_may_not_write_one_path(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/a.md": article("Cùng tên"), "content/tin-tuc/b.md": article("Cùng tên!")})
    result = run_build(tmp_path)
    assert result.code == 1
    assert "Hai nguồn cùng ghi ra một tệp “tin-tuc/cung-ten/index.html”: content/tin-tuc/a.md và content/tin-tuc/b.md." in result.stderr
