"""`python build.py check`: every problem it reports, with its exact text, and agreement with `build`."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import SITE_TOML, article, make_site, run_build, png

PNG = png()
GOOD = {"content/tin-tuc/bai-tot.md": article("Bài tốt", body="Nội dung tốt.")}
MISSING_FILE_HINT = "    → Kiểm tra tên tệp (cả chữ hoa, chữ thường) và đường dẫn tương đối tính từ bài viết."

# name: (files, site.toml, expected problem blocks); each one is refused by `build` as well
BUILD_ERRORS = {
    "unknown field": (
        {"content/tin-tuc/a.md": article("Bài A", tittle="x")}, SITE_TOML,
        ["content/tin-tuc/a.md:4: Trường không hợp lệ “tittle”.\n    → Có phải ý bạn là: “title”?"]),
    "missing title": (
        {"content/tin-tuc/a.md": "---\ndate: 30/12/2014\n---\n\nNội dung.\n"}, SITE_TOML,
        ["content/tin-tuc/a.md:1: Thiếu trường bắt buộc “title”.\n    → Thêm dòng “title: ...” vào phần thông tin."]),
    "impossible date": (
        {"content/tin-tuc/a.md": article("Bài A", date="31/02/2020")}, SITE_TOML,
        ["content/tin-tuc/a.md:3: Trường “date”: ngày “31/02/2020” không có thật (kiểm tra ngày và tháng).\n"
         "    → Viết ngày theo dạng 30/12/2014 07:42 (giờ có thể bỏ) hoặc 2014-12-30."]),
    "unknown section": (
        {"content/tin-tuc/a.md": article("Bài A", section="tin-tuc-cu")}, SITE_TOML,
        ["content/tin-tuc/a.md:4: Chuyên mục không tồn tại “tin-tuc-cu”.\n    → Có phải ý bạn là: “tin-tuc”?"]),
    "unknown directive": (
        {"content/tin-tuc/a.md": article("Bài A", directives="[Chỉ thị 5]")}, SITE_TOML,
        ["content/tin-tuc/a.md:4: Văn bản chỉ đạo chưa có trong danh mục: “Chỉ thị 5”.\n"
         "    → Các văn bản gần nhất: “Chỉ thị 05-CT/TW”? Nếu là văn bản mới, hãy thêm nó vào content/directives.toml."]),
    "link to a missing article": (
        {"content/tin-tuc/a.md": article("Bài A", body="Xem [bài cũ](../xay-dung-dang/bai-cu.md).")}, SITE_TOML,
        ["content/tin-tuc/a.md:6: Không tìm thấy tệp “xay-dung-dang/bai-cu.md” mà bài viết liên kết tới.\n" + MISSING_FILE_HINT]),
    "missing image in the body": (
        {"content/tin-tuc/a.md": article("Bài A", body="Đoạn một.\n\n![Hội nghị](hoi-nghi.png)")}, SITE_TOML,
        ["content/tin-tuc/a.md:8: Không tìm thấy tệp “tin-tuc/hoi-nghi.png” mà bài viết liên kết tới.\n" + MISSING_FILE_HINT]),
    "missing lead image": (
        {"content/tin-tuc/a.md": article("Bài A", image="anh.jpg", image_alt="Hội nghị")}, SITE_TOML,
        ["content/tin-tuc/a.md:4: Không tìm thấy ảnh “tin-tuc/anh.jpg”.\n"
         "    → Chép ảnh vào cạnh bài viết và ghi đúng tên tệp ở trường image."]),
    "missing attachment": (
        {"content/tin-tuc/a.md": article("Bài A", attachments="[chi-thi-05.pdf]")}, SITE_TOML,
        ["content/tin-tuc/a.md:4: Không tìm thấy tệp đính kèm “tin-tuc/chi-thi-05.pdf”.\n"
         "    → Chép tệp vào cạnh bài viết và ghi đúng tên tệp."]),
    "duplicate output path": (
        {"content/tin-tuc/a.md": article("Cùng tên"), "content/tin-tuc/b.md": article("Cùng tên")}, SITE_TOML,
        ["content/tin-tuc/b.md:1: Hai nguồn cùng ghi ra một tệp “tin-tuc/cung-ten/index.html”: "
         "content/tin-tuc/a.md và content/tin-tuc/b.md.\n    → Đổi slug (thêm dòng slug: ...) của một trong hai bài."]),
    "image without alt text": (
        {"content/tin-tuc/a.md": article("Bài A", body="Đoạn một.\n\n![](anh.png)"), "content/tin-tuc/anh.png": PNG}, SITE_TOML,
        ["content/tin-tuc/a.md:8: Ảnh “anh.png” thiếu lời mô tả (alt).\n"
         "    → Viết mô tả ngắn trong ngoặc vuông: ![Mô tả nội dung ảnh](anh.png)"]),
    "lead image without image_alt": (
        {"content/tin-tuc/a.md": article("Bài A", image="anh.png"), "content/tin-tuc/anh.png": PNG}, SITE_TOML,
        ["content/tin-tuc/a.md:4: Ảnh đại diện thiếu lời mô tả (image_alt).\n"
         "    → Thêm dòng image_alt: mô tả ngắn nội dung ảnh."]),
    "invalid site.toml": (
        {}, SITE_TOML.replace("per_page = 2", "per_page = 2\nper_pag = 3"),
        ["site.toml:6: Khoá không hợp lệ “per_pag” trong [site].\n    → Có phải ý bạn là: “per_page”?"]),
}


def check(root: Path, *args: str):
    """Run `build.py check` on a site."""
    return run_build(root, "check", *args)


@pytest.mark.parametrize("name", list(BUILD_ERRORS))
def test_check_reports_what_build_refuses(tmp_path: Path, name: str) -> None:
    files, site_toml, expected = BUILD_ERRORS[name]
    root = make_site(tmp_path / "site", {**GOOD, **files}, site_toml=site_toml)
    checked = check(root)
    assert checked.code == 1, checked.stderr
    for block in expected:
        assert block in checked.stderr
    assert checked.stderr.rstrip().endswith(f"Kiểm tra thấy {len(expected)} lỗi và 0 cảnh báo. Sửa các lỗi trên trước khi đăng.")
    assert checked.stdout == ""
    built = run_build(root)
    assert built.code == 1
    for block in expected:  # the very same code decides, so the very same words
        assert block in built.stderr
    assert not (root / "public").exists()


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {**GOOD, "content/tin-tuc/a.md": "---\ntitle: [Bài A\ndate: 30/12/2014\n---\n\nx\n"})
    checked = check(root)
    assert checked.code == 1
    assert "content/tin-tuc/a.md:2: Phần thông tin (YAML) viết sai: " in checked.stderr
    assert "\n    → " in checked.stderr


def test_clean_site_passes_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {**GOOD, "content/pages/gioi-thieu.md": "---\ntitle: Giới thiệu\n---\n\nVề bản tin.\n"})
    checked = check(root)
    assert checked.code == 0, checked.stderr
    assert checked.stdout == "Kiểm tra xong: không có lỗi (1 bài viết, 12 trang; 0 cảnh báo).\n"
    assert checked.stderr == ""
    assert not (root / "public").exists()
    assert not (root / ".bantin" / "preview").exists()


def test_sample_bulletin_passes() -> None:
    checked = check(Path(__file__).resolve().parent.parent)
    assert checked.code == 0, checked.stderr
    assert checked.stdout.startswith("Kiểm tra xong: không có lỗi (")


def test_draft_errors_are_reported_though_build_skips_drafts(tmp_path: Path) -> None:
    draft = article("Bài nháp", status="draft", body="Xem [bài cũ](bai-cu.md).")
    root = make_site(tmp_path / "site", {**GOOD, "content/tin-tuc/nhap.md": draft})
    checked = check(root)
    assert checked.code == 1
    assert ("content/tin-tuc/nhap.md:7: Không tìm thấy tệp “tin-tuc/bai-cu.md” mà bài viết liên kết tới.\n"
            + MISSING_FILE_HINT) in checked.stderr
    assert run_build(root).code == 0  # not published yet...
    assert run_build(root, "--drafts").code == 1  # ...but it would break the build that publishes it


def test_scheduled_article_errors_are_reported(tmp_path: Path) -> None:
    later = article("Bài hẹn giờ", date="01/01/2099 08:00", section="khong-co")
    root = make_site(tmp_path / "site", {**GOOD, "content/tin-tuc/hen-gio.md": later})
    checked = check(root)
    assert checked.code == 1
    assert "content/tin-tuc/hen-gio.md:4: Chuyên mục không tồn tại “khong-co”." in checked.stderr
    assert run_build(root).code == 0
    assert run_build(root, "--future").code == 1


def test_link_to_a_draft_is_a_warning(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {
        "content/tin-tuc/a.md": article("Bài A", body="Xem [bài sắp đăng](nhap.md)."),
        "content/tin-tuc/nhap.md": article("Bài nháp", status="draft"),
    })
    checked = check(root)
    assert checked.code == 0, checked.stderr
    assert checked.stderr == ("content/tin-tuc/a.md:6: cảnh báo: Liên kết tới bài “tin-tuc/nhap.md” chưa được đăng "
                              "(bản nháp hoặc hẹn giờ).\n    → Đăng bài đó trước, hoặc bỏ liên kết.\n")
    assert checked.stdout == "Kiểm tra xong: không có lỗi (1 bài viết, 11 trang; 1 cảnh báo).\n"


def test_broken_absolute_link_in_an_article_body(tmp_path: Path) -> None:
    body = "Đoạn một.\n\nXem [trang cũ](https://example.org/ban-tin/trang-cu/) và [ngoài](https://dangcongsan.vn/x)."
    root = make_site(tmp_path / "site", {**GOOD, "content/tin-tuc/a.md": article("Bài A", body=body)})
    checked = check(root)
    assert checked.code == 1
    assert checked.stderr == (
        "content/tin-tuc/a.md:8: Liên kết hỏng “https://example.org/ban-tin/trang-cu/”: không có trang hay tệp nào ở địa chỉ này.\n"
        "    → Sửa địa chỉ cho đúng; với bài viết khác, hãy liên kết tới tệp .md của bài đó.\n"
        "Kiểm tra thấy 1 lỗi và 0 cảnh báo. Sửa các lỗi trên trước khi đăng.\n")
    assert run_build(root).code == 0  # the build does not render-and-crawl; that is what check adds


def test_broken_menu_links_point_at_site_toml(tmp_path: Path) -> None:
    menu = ('\n[[menu]]\ntitle = "Trang chủ"\nurl = "/"\n\n[[menu]]\ntitle = "Chuyên mục cũ"\nurl = "/chuyen-muc-cu/"\n'
            '\n[[menu]]\ntitle = "Cổng cũ"\nurl = "https://example.org/cong-cu/"\n')
    root = make_site(tmp_path / "site", GOOD, site_toml=SITE_TOML + menu)
    checked = check(root)
    assert checked.code == 1
    lines = (SITE_TOML + menu).splitlines()
    old, outside = (lines.index(f'url = "{url}"') + 1 for url in ("/chuyen-muc-cu/", "https://example.org/cong-cu/"))
    hint = '    → Sửa url của mục menu này; url là đường dẫn trong bản tin, ví dụ "/tin-tuc-su-kien/".'
    assert checked.stderr == (
        f"site.toml:{old}: Liên kết hỏng “/ban-tin/chuyen-muc-cu/”: không có trang hay tệp nào ở địa chỉ này (có ở 11 trang).\n"
        f"{hint}\n"
        f"site.toml:{outside}: Liên kết “https://example.org/cong-cu/” nằm ngoài đường dẫn con /ban-tin/ của bản tin (có ở 11 trang).\n"
        f"{hint}\n"
        "Kiểm tra thấy 2 lỗi và 0 cảnh báo. Sửa các lỗi trên trước khi đăng.\n")


def test_broken_link_made_by_the_theme_points_at_the_rendered_page(tmp_path: Path) -> None:
    template = '{% extends "base.html" %}\n{% block main %}\n<h1>Không tìm thấy</h1>\n<a href="{{ url(\'/tim-kiem-cu/\') }}">Tìm</a>\n{% endblock %}\n'
    root = make_site(tmp_path / "site", {**GOOD, "theme/templates/404.html": template})
    checked = check(root)
    assert checked.code == 1
    first, hint = checked.stderr.splitlines()[:2]
    assert first.startswith("public/404.html:")
    assert first.endswith(": Liên kết hỏng “/ban-tin/tim-kiem-cu/”: không có trang hay tệp nào ở địa chỉ này.")
    line = int(first.split(":")[1])
    assert hint == ("    → Liên kết này do mẫu giao diện “404.html” tạo ra (trang /404.html); "
                    "sửa mẫu trong theme/templates/.")
    assert run_build(root).code == 0  # the build itself does not crawl its links
    assert 'href="/ban-tin/tim-kiem-cu/"' in (root / "public" / "404.html").read_text(encoding="utf-8").splitlines()[line - 1]


def test_directive_mentioned_but_not_listed_is_a_warning(tmp_path: Path) -> None:
    body = """\
    Đoạn một nói về việc học tập và làm theo Bác.

    Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị, chi bộ đã họp.

    Theo kết luận 01, và lại theo Chỉ thị 05-CT/TW lần nữa.

    Chỉ thị 050 của xã và Chỉ thị 05-CT/HU của huyện không phải văn bản trong danh mục.

    <!-- Ghi chú: Kết luận 01-KL/TW -->
    """
    listed = article("Bài có ghi", directives="[Kết luận 01]", body="Theo Kết luận 01-KL/TW và Kết luận số 01-KL/TW.")
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": article("Bài A", body=body),
                                         "content/tin-tuc/b.md": listed})
    checked = check(root)
    assert checked.code == 0, checked.stderr
    assert checked.stderr == (
        "content/tin-tuc/a.md:8: cảnh báo: Bài nhắc tới “Chỉ thị số 05-CT/TW” nhưng phần thông tin không ghi văn bản này.\n"
        "    → Nếu bài thực hiện văn bản này, thêm dòng: directives: [Chỉ thị 05-CT/TW]\n"
        "content/tin-tuc/a.md:10: cảnh báo: Bài nhắc tới “kết luận 01” nhưng phần thông tin không ghi văn bản này.\n"
        "    → Nếu bài thực hiện văn bản này, thêm dòng: directives: [Kết luận 01-KL/TW]\n")
    assert checked.stdout == "Kiểm tra xong: không có lỗi (2 bài viết, 12 trang; 2 cảnh báo).\n"


def test_directive_warning_suggests_extending_an_existing_list(tmp_path: Path) -> None:
    text = article("Bài A", directives="[Chỉ thị 05]", body="Theo Kết luận 01-KL/TW.")
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": text})
    checked = check(root)
    assert checked.code == 0
    assert checked.stderr == (
        "content/tin-tuc/a.md:7: cảnh báo: Bài nhắc tới “Kết luận 01-KL/TW” nhưng phần thông tin không ghi văn bản này.\n"
        "    → Nếu bài thực hiện văn bản này, thêm vào danh sách directives: directives: [Kết luận 01-KL/TW]\n")
