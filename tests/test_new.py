"""`python build.py new "Tiêu đề"`: a draft in the right place, that builds cleanly, never over an existing file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitekit import SITE_TOML, article, make_site, read, run_build

TITLE = "Chi bộ ấp Hiền Đạt: “Nói đi đôi với làm”"
SLUG = "chi-bo-ap-hien-dat-noi-di-doi-voi-lam"


def new(root: Path, *args: str):
    """Run `build.py new` and return the finished run, noting the minutes it ran within."""
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    before = datetime.now(tz)
    done = run_build(root, "new", *args)
    done.minutes = {f"{moment:%d/%m/%Y %H:%M}" for moment in (before, datetime.now(tz))}
    done.days = {f"{moment:%Y-%m-%d}" for moment in (before, datetime.now(tz))}
    return done


def test_new_article_is_a_draft_in_the_first_section(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    done = new(root, TITLE)
    assert done.code == 0, done.stderr
    path = Path(done.stdout.strip())
    assert done.stdout.count("\n") == 1
    assert path.parent == root / "content" / "tin-tuc"
    assert path.name in {f"{day}-{SLUG}.md" for day in done.days}
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    lines = head.splitlines()
    assert lines[0] == "---"
    assert lines[1] == 'title: "Chi bộ ấp Hiền Đạt: “Nói đi đôi với làm”"'
    assert lines[2].removeprefix("date: ") in done.minutes
    assert lines[3:] == ["status: draft"]
    assert body.lstrip("\n").startswith("<!--\nHƯỚNG DẪN") and body.rstrip().endswith("-->")
    assert done.stderr == ("Đã tạo bản nháp trong chuyên mục “Tin tức” (chọn chuyên mục khác bằng --section). "
                           "Mở tệp để viết; xem trước bằng: python build.py serve\n")


def test_new_article_builds_cleanly_with_drafts_only(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/tin-tuc/cu.md": article("Bài cũ")})
    done = new(root, TITLE, "--section", "Xây dựng Đảng", "--directive", "Chỉ thị số 05-CT/TW", "--directive", "Kết luận 01")
    assert done.code == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.parent == root / "content" / "xay-dung-dang"
    assert 'directives: ["Chỉ thị 05-CT/TW", "Kết luận 01-KL/TW"]\nstatus: draft\n---\n' in path.read_text(encoding="utf-8")
    built = run_build(root, "--drafts")
    assert built.code == 0 and built.stderr == "", built.stderr
    page = read(root, f"xay-dung-dang/{SLUG}/index.html")
    assert "<h1>Chi bộ ấp Hiền Đạt: “Nói đi đôi với làm”</h1>" in page
    assert "HƯỚNG DẪN" not in page and "&lt;!--" not in page
    assert 'href="/ban-tin/van-ban/2016/chi-thi-05-ct-tw/"' in page
    checked = run_build(root, "check", "--drafts")
    assert checked.code == 0 and checked.stderr == "", checked.stderr
    assert run_build(root).code == 0
    assert not (root / "public" / "xay-dung-dang" / SLUG).exists()  # a draft is never published without --drafts


def test_section_may_be_given_by_slug_or_name_without_accents(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    for number, section in enumerate(("xay-dung-dang", "xay dung dang", "XÂY DỰNG ĐẢNG")):
        done = new(root, f"Bài số {number}", "--section", section)
        assert done.code == 0, done.stderr
        assert Path(done.stdout.strip()).parent == root / "content" / "xay-dung-dang"


def test_new_page(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    done = new(root, "Liên hệ tòa soạn", "--page")
    assert done.code == 0, done.stderr
    path = root / "content" / "pages" / "lien-he-toa-soan.md"
    assert done.stdout == f"{path}\n"
    assert path.read_text(encoding="utf-8").startswith('---\ntitle: "Liên hệ tòa soạn"\ndate: ')
    assert run_build(root, "--drafts").code == 0
    assert "<h1>Liên hệ tòa soạn</h1>" in read(root, "lien-he-toa-soan/index.html")


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    first = new(root, TITLE)
    path = Path(first.stdout.strip())
    path.write_text(path.read_text(encoding="utf-8") + "\nBài đã viết dở.\n", encoding="utf-8")
    kept = path.read_bytes()
    again = new(root, TITLE)
    if again.days != first.days:  # the day turned between the runs: the names differ, try once more
        again = new(root, TITLE)
    assert again.code == 1
    relative = path.relative_to(root).as_posix()
    assert again.stderr == (f"{relative}: Tệp này đã có; bantin không ghi đè lên bài đã viết.\n"
                            "    → Mở tệp đó để sửa, hoặc chọn một tiêu đề khác.\n")
    assert again.stdout == ""
    assert path.read_bytes() == kept


def test_unknown_section_suggests_the_closest(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    done = new(root, TITLE, "--section", "xay-dung")
    assert done.code == 1
    assert done.stderr == "--section: Chuyên mục không tồn tại “xay-dung”.\n    → Có phải ý bạn là: “xay-dung-dang”?\n"
    assert not (root / "content" / "xay-dung").exists()
    assert sorted(p.name for p in (root / "content").iterdir()) == ["directives.toml"]


def test_unknown_directive_suggests_the_closest(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    done = new(root, TITLE, "--directive", "Chỉ thị 5")
    assert done.code == 1
    assert done.stderr == ("--directive: Văn bản chỉ đạo chưa có trong danh mục: “Chỉ thị 5”.\n"
                           "    → Các văn bản gần nhất: “Chỉ thị 05-CT/TW”? "
                           "Nếu là văn bản mới, hãy thêm nó vào content/directives.toml.\n")
    assert not (root / "content" / "tin-tuc").exists()


def test_page_refuses_section_and_reserved_addresses(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    mixed = new(root, "Giới thiệu", "--page", "--section", "tin-tuc")
    assert mixed.code == 1
    assert mixed.stderr == ("--page: Trang riêng không thuộc chuyên mục nào và không gắn văn bản chỉ đạo.\n"
                            "    → Bỏ --section và --directive, hoặc bỏ --page để tạo bài viết.\n")
    taken = new(root, "Tin tức", "--page")
    assert taken.code == 1
    assert taken.stderr == ("--page: Địa chỉ /tin-tuc/ đã dành cho một chuyên mục hoặc mục của trang.\n"
                            "    → Chọn một tiêu đề khác cho trang.\n")


def test_title_without_letters_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    done = new(root, "  !!! ")
    assert done.code == 1
    assert done.stderr == ("tiêu đề: Không tạo được tên tệp (slug) từ tiêu đề “!!!”.\n"
                           "    → Tiêu đề phải có ít nhất một chữ cái hoặc chữ số.\n")


def test_date_is_now_in_the_sites_time_zone(tmp_path: Path) -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: far from both UTC and Hà Nội, so a wrong zone shows
    root = make_site(tmp_path / "site", site_toml=SITE_TOML.replace('per_page = 2', f'per_page = 2\ntimezone = "{zone}"'))
    before = datetime.now(ZoneInfo(zone))
    done = run_build(root, "new", TITLE)
    after = datetime.now(ZoneInfo(zone))
    assert done.code == 0, done.stderr
    text = Path(done.stdout.strip()).read_text(encoding="utf-8")
    assert text.splitlines()[2].removeprefix("date: ") in {f"{before:%d/%m/%Y %H:%M}", f"{after:%d/%m/%Y %H:%M}"}


def test_broken_site_toml_is_reported(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", site_toml=SITE_TOML.replace("per_page = 2", "per_page = 0"))
    done = new(root, TITLE)
    assert done.code == 1
    assert done.stderr == "site.toml:5: per_page phải lớn hơn 0.\n    → Ví dụ: per_page = 10\n"


def test_a_very_long_title_makes_a_short_file_name_and_address(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    title = "Đảng bộ xã học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh " * 5
    done = run_build(root, "new", title)
    assert done.code == 0, done.stderr
    [made] = (root / "content" / "tin-tuc").glob("*.md")
    assert len(made.name) <= 100
    text = made.read_text(encoding="utf-8")
    slug = made.stem[len("2026-01-01-"):]
    assert f"\nslug: {slug}\n" in text and len(slug) <= 80
    done = run_build(root, "--drafts")
    assert done.code == 0, done.stderr
    assert (root / "public" / "tin-tuc" / slug / "index.html").is_file()
