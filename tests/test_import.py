"""`import`: saved portal pages and text captures become draft articles that build; nothing lost, every doubt reported.

The fixtures are written here, shaped like the portals in ../shared/seeds/ (SharePoint publishing
pages, provincial bulletins) but with sentences of their own.
"""

from __future__ import annotations

import io
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from PIL import Image

from sitekit import REPO, article, make_site, run_build

DIRECTIVES = (REPO / "content/directives.toml").read_text(encoding="utf-8")
SEEDS = REPO.parent / "shared" / "seeds"

PORTAL = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Chi bộ thôn Đông làm theo Bác bằng việc làm cụ thể - Cổng thông tin điện tử Đảng bộ tỉnh Mẫu</title>
<link rel="canonical" href="https://tinh.example.vn/Pages/tin-tuc/chi-bo-thon-dong.aspx"></head>
<body>
<div id="s4-ribbonrow"><a href="#">Skip Ribbon Commands</a> <a href="#">Skip to main content</a></div>
<div class="banner"><h1>Cổng thông tin điện tử Đảng bộ tỉnh Mẫu</h1><p>Chào mừng quý vị đến với Cổng thông tin điện tử!</p></div>
<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/Pages/xdd.aspx">Xây dựng Đảng</a></div>
<div class="toolbar">Cỡ chữ: Giảm (A-) Mặc định (A) Tăng (A+) | In bài</div>
<div id="ctl00_PlaceHolderMain_TitleField" class="news-title">Chi bộ thôn Đông làm theo Bác bằng việc làm cụ thể</div>
<div class="date">Thứ 5, Ngày 18/05/2017, 08:14</div>
<div id="ctl00_PlaceHolderMain_SummaryField" class="summary">Hai năm thực hiện Chỉ thị số 05-CT/TW, chi bộ thôn Đông chọn ba việc nhỏ, làm đến nơi đến chốn, và được nhân dân ghi nhận.</div>
<div id="ctl00_PlaceHolderMain_ImageField"><img src="chi-bo-thon-dong_files/anh-hop-chi-bo.jpg" alt="Đảng viên chi bộ thôn Đông họp định kỳ">
<div class="image-caption">Buổi sinh hoạt chi bộ định kỳ tháng 5.</div></div>
<div class="ms-rtestate-field">
<p>Đầu năm 2016, chi bộ thôn Đông họp bàn cách đưa Chỉ thị số 05-CT/TW vào đời sống, gắn với Nghị quyết số 99-NQ/TW của tỉnh.</p>
<h3>Ba việc làm cụ thể</h3>
<p>1- Mỗi đảng viên nhận giúp một hộ khó khăn trong thôn.</p>
<p>2- Chi bộ công khai kết quả từng quý trên loa truyền thanh.</p>
<p>3- Bí thư chi bộ trực tiếp nghe dân phản ánh mỗi tối thứ Bảy.</p>
<p>Chi tiết xem <a href="chi-bo-thon-dong_files/ke-hoach-2016.pdf">Kế hoạch năm 2016</a> và <a href="../Pages/tin-khac.aspx">tin khác</a>; bảng dưới là kết quả <strong>sau hai năm</strong>.</p>
<table><tr><th>Việc</th><th>Kết quả</th></tr><tr><td>Hộ được giúp</td><td>27</td></tr></table>
<p>Lượt người xem: 1639</p>
<p>Hồng Mong – Thế Sự</p>
<p>(Theo Báo Mẫu)</p>
</div>
<div class="ms-webpart-chrome-title">Tin liên quan</div><ul class="related-news"><li><a href="/Pages/a.aspx">Một tin khác</a></li></ul>
<div>Lượt người xem: 1639</div><div class="poll">Bình chọn: Bạn thấy bài viết thế nào?</div><div>Quảng Cáo</div>
<div>Manage PermissionsManage Permissions | Version HistoryVersion History</div>
<footer>Cơ quan chủ quản: Ban Tuyên giáo Tỉnh ủy Mẫu<br>Giấy phép số 12/GP-TTĐT do Sở Thông tin và Truyền thông cấp<br>
Chịu trách nhiệm chính: Trưởng ban Nguyễn Văn Mẫu<br>Địa chỉ: Số 9 đường Mẫu, tỉnh Mẫu</footer>
</body></html>
"""

INTERVIEW = """<html><head><meta charset="windows-1258"><title>Phỏng vấn</title></head><body>
<div class="news-title">Bí thư Đảng ủy xã: nêu gương bắt đầu từ những việc nhỏ</div>
<div class="date">(19/05/2017, 08:14)</div>
<div class="ms-rtestate-field">
<p>Nhân dịp sơ kết một năm thực hiện Chỉ thị 05, phóng viên trao đổi với Bí thư Đảng ủy xã về trách nhiệm nêu gương.</p>
<p>BTV: Thưa ông, xã đã bắt đầu từ đâu?</p>
<p>Ông Trần Văn Mẫu: Chúng tôi bắt đầu từ việc công khai lịch tiếp dân của từng cán bộ.</p>
<p>BTV: Khó khăn lớn nhất là gì?</p>
<p>Ông Trần Văn Mẫu: Là giữ được nếp làm đều đặn, tháng nào cũng như tháng nào.</p>
<p>Lan Hương</p>
</div></body></html>
"""

CAPTURE = """PublishingPortal - Block_BanTin_Toolbar

26/08/2019
Tăng cỡ chữ Giảm cỡ chữ
Hội Cựu chiến binh phường Bắc làm theo Bác qua phong trào giữ đường sạch
Năm 2019, Hội Cựu chiến binh phường Bắc tiếp tục thực hiện Kết luận và Chỉ thị 05-CT/TW, lấy việc giữ đường làng sạch đẹp làm việc làm theo Bác của cả hội, với sự tham gia của hơn 200 hội viên ở tám tổ dân phố.

 PublishingPortal - Block_BanTin_ViewData

Hội viên Cựu chiến binh tổ 3 dọn vệ sinh
tuyến đường ven kênh sáng Chủ nhật

Ông Lê Văn Mẫu, Chủ tịch Hội cho biết, mỗi sáng Chủ nhật, các tổ hội tự phân công nhau quét dọn, trồng hoa dọc các tuyến đường, vừa giữ phường sạch vừa là dịp để hội viên gặp gỡ, nhắc nhau giữ nếp sống của người lính Cụ Hồ.

Sau một năm, phường có thêm bốn tuyến đường hoa do hội viên chăm sóc, và nhiều hộ dân đã tự nguyện tham gia cùng hội.

Ngọc Mai

Phản hồi
Các tin khác
Xem nhiều nhất
"""


def windows_1258(text: str) -> bytes:
    """Encode text as Windows-1258 does: vowels with ^, ˘ or the horn precomposed, tone marks as combining marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", char)
        shape = [m for m in marks if m in "\u0302\u0306\u031b"]
        tones = [m for m in marks if m not in shape]
        out.append(unicodedata.normalize("NFC", base + "".join(shape)) + "".join(tones))
    return "".join(out).encode("cp1258")


def photo(width: int = 900, height: int = 600) -> bytes:
    """Return a JPEG of a gradient."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def project(root: Path) -> Path:
    """An empty bulletin with the sample's sections and register, ready to import into."""
    return make_site(root, {"content/directives.toml": DIRECTIVES}, site_toml=(REPO / "site.toml").read_text(encoding="utf-8"))


def saved(folder: Path) -> Path:
    """Write the saved pages: a portal page with its _files folder, an interview in Windows-1258, a text capture."""
    (folder / "chi-bo-thon-dong_files").mkdir(parents=True)
    (folder / "chi-bo-thon-dong.aspx").write_text(PORTAL, encoding="utf-8")
    (folder / "chi-bo-thon-dong_files/anh-hop-chi-bo.jpg").write_bytes(photo())
    (folder / "chi-bo-thon-dong_files/ke-hoach-2016.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (folder / "phong-van.htm").write_bytes(windows_1258(INTERVIEW))
    (folder / "ban-tin.txt").write_text(CAPTURE, encoding="utf-8")
    return folder


def front_matter(file: Path) -> tuple[dict, str]:
    """Read an article's front matter and body."""
    _, matter, body = file.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(matter), body


def imported(root: Path, *paths: Path, extra: tuple[str, ...] = ()) -> tuple[object, dict[str, Path]]:
    """Run the import; return its result and the articles written, by title."""
    done = run_build(root, "import", *map(str, paths), *extra)
    articles = {front_matter(f)[0]["title"]: f for f in (root / "content").rglob("*.md")}
    return done, articles


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path]:
    """A project and an archive of saved pages to import into it."""
    return project(tmp_path / "site"), saved(tmp_path / "luu")


def test_a_sharepoint_page_becomes_a_draft_with_every_field(archive: tuple[Path, Path]) -> None:
    root, folder = archive
    done, articles = imported(root, folder)
    assert done.code == 0, done.stderr
    file = articles["Chi bộ thôn Đông làm theo Bác bằng việc làm cụ thể"]  # not the banner's site name
    fields, body = front_matter(file)
    assert file.parent.name == "xay-dung-dang"  # from the breadcrumb
    assert fields["date"] == "18/05/2017 08:14" and fields["status"] == "draft"
    assert fields["summary"].startswith("Hai năm thực hiện Chỉ thị số 05-CT/TW")
    assert fields["author"] == "Hồng Mong – Thế Sự" and fields["source"] == "Theo Báo Mẫu"
    assert fields["directives"] == ["Chỉ thị 05-CT/TW"]
    assert fields["aliases"] == ["/Pages/tin-tuc/chi-bo-thon-dong.aspx"]
    assert fields["image_alt"] == "Đảng viên chi bộ thôn Đông họp định kỳ"
    assert fields["image_caption"] == "Buổi sinh hoạt chi bộ định kỳ tháng 5."
    assert (file.parent / fields["image"]).read_bytes() == (folder / "chi-bo-thon-dong_files/anh-hop-chi-bo.jpg").read_bytes()
    assert fields["extra"]["imported_from"] == str((folder / "chi-bo-thon-dong.aspx").resolve())
    assert "### Ba việc làm cụ thể" in body
    assert "1. Mỗi đảng viên nhận giúp" in body and "3. Bí thư chi bộ" in body  # numbered measures stay numbered
    assert "**sau hai năm**" in body and "| Hộ được giúp | 27 |" in body
    pdf = next(n for n in os.listdir(file.parent) if n.endswith(".pdf"))
    assert f"[Kế hoạch năm 2016]({pdf})" in body and "tin khác" in body and "tin-khac.aspx" not in body
    for furniture in ("Lượt người xem", "Bình chọn", "Quảng Cáo", "Tin liên quan", "Cỡ chữ", "Manage Permissions",
                      "Giấy phép", "Skip Ribbon", "Chào mừng"):
        assert furniture not in file.read_text(encoding="utf-8"), furniture
    assert "Nghị quyết 99-NQ/TW" in done.stdout  # named in the text, not in the register: reported, not invented
    assert '[footer]' in done.stdout and 'licence = "Giấy phép số 12/GP-TTĐT' in done.stdout


def test_an_interview_in_windows_1258_and_a_text_capture(archive: tuple[Path, Path]) -> None:
    root, folder = archive
    done, articles = imported(root, folder)
    interview = articles["Bí thư Đảng ủy xã: nêu gương bắt đầu từ những việc nhỏ"]
    fields, body = front_matter(interview)
    assert interview.parent.name == "phong-van" and fields["date"] == "19/05/2017 08:14"
    assert "**BTV:** Thưa ông, xã đã bắt đầu từ đâu?" in body
    assert "**Ông Trần Văn Mẫu:** Chúng tôi bắt đầu" in body and fields["author"] == "Lan Hương"
    assert "bảng mã windows-1258" in done.stdout
    capture = articles["Hội Cựu chiến binh phường Bắc làm theo Bác qua phong trào giữ đường sạch"]
    fields, body = front_matter(capture)
    assert fields["date"] == "26/08/2019 00:00" and fields["author"] == "Ngọc Mai"
    assert fields["summary"].startswith("Năm 2019, Hội Cựu chiến binh")
    assert body.lstrip().startswith("*Ảnh: Hội viên Cựu chiến binh tổ 3 dọn vệ sinh tuyến đường ven kênh sáng Chủ nhật*")  # under the sapo
    assert "PublishingPortal" not in body and "Phản hồi" not in body and "Tăng cỡ chữ" not in body
    assert "không rõ chuyên mục" in done.stdout  # said, as `new` says it


def test_imported_articles_build_and_check_and_a_second_import_updates_them(archive: tuple[Path, Path]) -> None:
    root, folder = archive
    first, articles = imported(root, folder)
    assert first.code == 0 and len(articles) == 3
    checked = run_build(root, "check", "--drafts")
    assert checked.code == 0, checked.stderr
    assert run_build(root, "build", "--drafts").code == 0
    again, same = imported(root, folder)
    assert sorted(same) == sorted(articles) and "3 bài không đổi" in again.stdout  # updated in place, never duplicated
    edited = articles["Chi bộ thôn Đông làm theo Bác bằng việc làm cụ thể"]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nĐoạn biên tập viên thêm.\n", encoding="utf-8")
    (folder / "ban-tin.txt").write_text(CAPTURE.replace("bốn tuyến đường", "năm tuyến đường"), encoding="utf-8")
    third, _ = imported(root, folder)
    assert "Đoạn biên tập viên thêm." in edited.read_text(encoding="utf-8")  # an editor's work is never overwritten
    assert "1 bài đã được sửa tay nên giữ nguyên" in third.stdout and "cập nhật 1 bài" in third.stdout
    assert "năm tuyến đường" in articles["Hội Cựu chiến binh phường Bắc làm theo Bác qua phong trào giữ đường sạch"].read_text(encoding="utf-8")


def test_dry_run_writes_nothing_and_publish_skips_the_draft(archive: tuple[Path, Path]) -> None:
    root, folder = archive
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    done, _ = imported(root, folder, extra=("--dry-run",))
    assert done.code == 0 and "Sẽ ghi 3 bài mới" in done.stdout and "title: Chi bộ thôn Đông" in done.stdout
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    published, articles = imported(root, folder / "ban-tin.txt", extra=("--publish", "--section", "Gương người tốt, việc tốt"))
    fields, _ = front_matter(next(iter(articles.values())))
    assert "status" not in fields and next(iter(articles.values())).parent.name == "guong-nguoi-tot-viec-tot"


def test_bad_pages_are_reported_one_by_one_and_never_stop_the_rest(archive: tuple[Path, Path]) -> None:
    root, folder = archive
    (folder / "anh.html").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0" + bytes(range(256)))
    (folder / "danh-sach.html").write_text("<html><body><ul><li><a href='a.aspx'>A</a></li></ul></body></html>", encoding="utf-8")
    (folder / "tcvn3.txt").write_bytes("Bµi viÕt ®¶ng bé".encode("latin-1") + bytes([0x81, 0x8d, 0x9d]))
    done, articles = imported(root, folder)
    assert done.code == 0 and len(articles) == 3
    assert "anh.html: Tệp này không phải trang web hay văn bản" in done.stderr
    assert "danh-sach.html: Không nhận ra bài viết nào trong trang này" in done.stderr
    assert "tcvn3.txt: Không nhận ra bảng mã" in done.stderr and "Unikey" in done.stderr
    assert "Lỗi nội bộ" not in done.stderr


def test_a_round_trip_brings_back_titles_dates_bodies_interviews_and_images(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((1000, 700)).convert("RGB").save(out, "JPEG")
    source = make_site(tmp_path / "cu", {
        "content/tin-tuc/a.md": article("Chi bộ khu phố 4 sơ kết việc làm theo Bác", "12/03/2021 09:30", image="anh.jpg",
                                        image_alt="Hội nghị sơ kết", image_caption="Quang cảnh hội nghị.",
                                        body="Đoạn mở đầu của bài.\n\nĐoạn thứ hai có **chữ đậm**.\n\n## Kết quả\n\n- một\n- hai",
                                        author="Minh An"),
        "content/tin-tuc/anh.jpg": out.getvalue(),
        "content/tin-tuc/b.md": article("Trao đổi về nêu gương", "13/03/2021 10:00",
                                        body="**BTV:** Câu hỏi thứ nhất?\n\n**Bà Lê Thị Mẫu:** Câu trả lời thứ nhất.\n\n"
                                             "**BTV:** Câu hỏi thứ hai?\n\n**Bà Lê Thị Mẫu:** Câu trả lời thứ hai."),
    })
    assert run_build(source).code == 0
    mirror = tmp_path / "mirror" / "example.org"
    shutil.copytree(source / "public", mirror / "ban-tin")  # as `wget --mirror` lays out the old site
    empty = make_site(tmp_path / "moi", {})
    pages = [mirror / "ban-tin/tin-tuc/chi-bo-khu-pho-4-so-ket-viec-lam-theo-bac/index.html",
             mirror / "ban-tin/tin-tuc/trao-doi-ve-neu-guong/index.html"]
    done = run_build(empty, "import", *map(str, pages))
    assert done.code == 0, done.stderr
    articles = {front_matter(f)[0]["title"]: f for f in (empty / "content").rglob("*.md")}
    fields, body = front_matter(articles["Chi bộ khu phố 4 sơ kết việc làm theo Bác"])
    assert fields["date"] == "12/03/2021 09:30" and fields["author"] == "Minh An"
    assert fields["image_alt"] == "Hội nghị sơ kết" and fields["image_caption"] == "Quang cảnh hội nghị."
    with Image.open(articles["Chi bộ khu phố 4 sơ kết việc làm theo Bác"].parent / fields["image"]) as image:
        assert image.width >= 800  # the largest variant the page offered
    assert "Đoạn thứ hai có **chữ đậm**." in body and "## Kết quả" in body and "- một" in body
    assert fields["aliases"] == ["/ban-tin/tin-tuc/chi-bo-khu-pho-4-so-ket-viec-lam-theo-bac/"]
    fields, body = front_matter(articles["Trao đổi về nêu gương"])
    assert "**BTV:** Câu hỏi thứ nhất?" in body and "**Bà Lê Thị Mẫu:** Câu trả lời thứ hai." in body
    assert run_build(empty, "check", "--drafts").code == 0


def test_the_seed_captures_import_as_a_user_would(tmp_path: Path) -> None:
    assert SEEDS.is_dir() or not os.environ.get("CI"), "../shared/seeds is missing"
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    root = project(tmp_path / "site")
    done, articles = imported(root, *sorted(SEEDS.glob("*.txt")))
    assert done.code == 0 and len(articles) == 3, done.stdout + done.stderr
    for file in articles.values():
        fields, body = front_matter(file)
        assert fields["title"] and fields["date"] and len(body.split()) > 100
        assert not any(word in body for word in ("Lượt người xem", "Xem nhiều nhất", "Version History", "Cỡ chữ"))
    assert run_build(root, "check", "--drafts").code == 0
