"""The catalogue of bad input: every mistake an editor makes gets a located, plain-words error.

Each case adds broken files to a site that built cleanly, runs the real command line and checks
that: the exact errors are reported (file, line, message, one-line hint) and nothing else;
the exit status is 1; there is no traceback; the previous public/ is byte-for-byte untouched.
One more test puts every case into one site and expects all of their errors from a single run.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from sitekit import SITE_TOML, article, make_site, read, run_build, snapshot, png


def photo_bytes(kind: str) -> bytes:
    """Return a small real image, of noise so that it does not shrink to nothing, in Pillow's format `kind`."""
    out = BytesIO()
    Image.effect_noise((120, 90), 60).convert("RGB").save(out, kind)
    return out.getvalue()


PNG = png()
JPEG = photo_bytes("JPEG")
GIF = photo_bytes("GIF")
GOOD = {
    "content/tin-tuc/bai-tot.md": article("Bài tốt", directives="[Chỉ thị 05-CT/TW]", image="anh.png",
                                          image_alt="Ảnh hội nghị", attachments="[tai-lieu.pdf]"),
    "content/tin-tuc/anh.png": PNG,
    "content/tin-tuc/tai-lieu.pdf": b"%PDF-1.4\n%%EOF\n",
    "content/xay-dung-dang/bai-khac.md": article("Bài khác", "01/01/2015"),
    "content/pages/gioi-thieu.md": "---\ntitle: Giới thiệu\n---\n\nTrang giới thiệu.\n",
}
TONES = "\u0300\u0301\u0303\u0309\u0323"
DATE_HINT = "Viết ngày theo dạng 30/12/2014 07:42 (giờ có thể bỏ) hoặc 2014-12-30."
CONTROL_HINT = "Ký tự này thường lẫn vào khi dán từ Word: xoá nó, hoặc gõ lại đoạn văn đó."
OUTSIDE_HINT = "Chép tệp vào cạnh bài viết và chỉ ghi tên tệp."


def windows_1258(text: str) -> bytes:
    """Encode Vietnamese as Windows-1258 does: a base letter, then a combining tone mark."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in TONES)
            out += (unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones).encode("cp1258")
    return out


@dataclass(frozen=True)
class Link:
    """A symbolic link to create in the site, pointing at `target` (relative to the site's parent)."""

    target: str


@dataclass(frozen=True)
class Case:
    """Files that break a good site, and exactly the errors (first line, hint) they must cause."""

    name: str
    files: dict[str, str | bytes | Link]
    errors: list[tuple[str, str]] = field(default_factory=list)


def fm(*lines: str, body: str = "Nội dung bài viết.") -> str:
    """Write an article from its front-matter lines, between --- fences."""
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


T = "content/tin-tuc/"
CASES = [
    # front matter
    Case("yaml-colon", {T + "yaml-hai-cham.md": fm("title: Hội nghị: quán triệt Chỉ thị 05", "date: 30/12/2014")}, [
        (T + "yaml-hai-cham.md:2: Phần thông tin (YAML) viết sai: có dấu hai chấm (:) ở chỗ không được phép.",
         'Đặt cả giá trị trong ngoặc kép: title: "Hội nghị: quán triệt Chỉ thị 05"'),
    ]),
    Case("yaml-indent", {T + "yaml-thut-le.md": fm("title: Thụt lề", "  date: 30/12/2014")}, [
        (T + "yaml-thut-le.md:3: Phần thông tin (YAML) viết sai: dòng này bị thụt vào.",
         "Xoá dấu cách ở đầu dòng: các trường phải viết sát lề trái."),
    ]),
    Case("yaml-list", {T + "yaml-danh-sach.md": fm("title: Danh sách chưa đóng", "date: 30/12/2014",
                                                  "directives: [Chỉ thị 05-CT/TW", "author: Thành Nhân")}, [
        (T + "yaml-danh-sach.md:4: Phần thông tin (YAML) viết sai: danh sách mở bằng “[” nhưng chưa đóng bằng “]”.",
         "Thêm “]” vào cuối danh sách, ví dụ: directives: [Chỉ thị 05-CT/TW, Kết luận 01-KL/TW]"),
    ]),
    Case("yaml-quote", {T + "yaml-ngoac-kep.md": fm('title: "Ngoặc kép chưa đóng', "date: 30/12/2014", "author: Thành Nhân")}, [
        (T + "yaml-ngoac-kep.md:2: Phần thông tin (YAML) viết sai: dấu ngoặc kép mở nhưng chưa đóng.",
         "Thêm dấu ngoặc đóng ở cuối giá trị, trên cùng dòng đó."),
    ]),
    Case("yaml-no-colon", {T + "yaml-thieu-hai-cham.md": fm("title: Thiếu dấu hai chấm", "date: 30/12/2014",
                                                           "author Thành Nhân", "summary: Tóm tắt.")}, [
        (T + "yaml-thieu-hai-cham.md:4: Phần thông tin (YAML) viết sai: dòng này thiếu dấu hai chấm (:) sau tên trường.",
         "Viết tên trường, dấu hai chấm, dấu cách rồi giá trị, ví dụ: author: Thành Nhân"),
    ]),
    Case("yaml-special", {T + "yaml-ky-tu.md": fm("title: Đúng", "date: 30/12/2014", "summary: @Tóm tắt")}, [
        (T + "yaml-ky-tu.md:4: Phần thông tin (YAML) viết sai: giá trị bắt đầu bằng một ký tự đặc biệt.",
         'Đặt cả giá trị trong ngoặc kép: summary: "@Tóm tắt"'),
    ]),
    Case("toml", {T + "toml.md": '+++\ntitle = "Bài TOML"\ndate = 30/12/2014\n+++\n\nNội dung.\n'}, [
        (T + "toml.md:3: Phần thông tin (TOML) viết sai: sau giá trị còn ký tự thừa.",
         'Mỗi dòng có dạng khoá = "giá trị"; chữ và ngày kiểu 30/12/2014 phải đặt trong ngoặc kép.'),
    ]),
    Case("toml-duplicate", {T + "toml-hai-lan.md": '+++\ntitle = "Một"\ndate = "30/12/2014"\ntitle = "Hai"\n+++\n\nNội dung.\n'}, [
        (T + "toml-hai-lan.md:4: Trường “title” được viết hai lần (dòng 2 và dòng 4).", "Xoá một trong hai dòng."),
    ]),
    Case("toml-unquoted", {T + "toml-chu.md": '+++\ntitle = Bài không ngoặc\ndate = "30/12/2014"\n+++\n\nNội dung.\n'}, [
        (T + "toml-chu.md:2: Phần thông tin (TOML) viết sai: giá trị không hợp lệ.",
         'Mỗi dòng có dạng khoá = "giá trị"; chữ và ngày kiểu 30/12/2014 phải đặt trong ngoặc kép.'),
    ]),
    Case("no-front-matter", {T + "khong-dau.md": "title: Không có dấu\ndate: 30/12/2014\n\nNội dung.\n"}, [
        (T + "khong-dau.md:1: Thiếu phần thông tin (front matter) ở đầu tệp.",
         "Dòng đầu tiên phải là ---, tiếp theo là các dòng title: ... và date: ..., rồi một dòng --- để đóng lại."),
    ]),
    Case("blank-line-first", {T + "dong-trong.md": "\n" + fm("title: Dòng trống", "date: 30/12/2014")}, [
        (T + "dong-trong.md:1: Thiếu phần thông tin (front matter) ở đầu tệp.",
         "Xoá các dòng trống phía trên dòng --- ở dòng 2: --- phải là dòng đầu tiên của tệp."),
    ]),
    Case("unclosed", {T + "chua-dong.md": "---\ntitle: Chưa đóng\ndate: 30/12/2014\n\nNội dung.\n"}, [
        (T + "chua-dong.md:1: Phần thông tin mở bằng --- nhưng không có dòng --- đóng lại.",
         "Thêm một dòng chỉ có --- sau trường cuối cùng, trước nội dung bài."),
    ]),
    Case("empty", {T + "rong.md": "", T + "trang.md": "\n  \n\n"}, [
        (T + "rong.md:1: Tệp rỗng.", "Viết phần thông tin (title, date) giữa hai dòng --- ở đầu tệp, hoặc xoá tệp này."),
        (T + "trang.md:1: Tệp rỗng.", "Viết phần thông tin (title, date) giữa hai dòng --- ở đầu tệp, hoặc xoá tệp này."),
    ]),
    Case("no-title", {T + "khong-tieu-de.md": fm("date: 30/12/2014")}, [
        (T + "khong-tieu-de.md:1: Thiếu trường bắt buộc “title”.", "Thêm dòng “title: ...” vào phần thông tin."),
    ]),
    Case("no-date", {T + "khong-ngay.md": fm("title: Không ngày")}, [
        (T + "khong-ngay.md:1: Thiếu trường bắt buộc “date”.", "Thêm dòng “date: ...” vào phần thông tin."),
    ]),
    Case("blank-title", {T + "tieu-de-trong.md": fm("title:", "date: 30/12/2014")}, [
        (T + "tieu-de-trong.md:2: Trường bắt buộc “title” đang để trống.",
         "Ghi giá trị sau dấu hai chấm; nếu giá trị bắt đầu bằng # hoặc &, đặt nó trong ngoặc kép."),
    ]),
    Case("impossible-date", {T + "ngay-sai.md": fm("title: Ngày sai", "date: 31/02/2020")}, [
        (T + "ngay-sai.md:3: Trường “date”: ngày “31/02/2020” không có thật (kiểm tra ngày và tháng).", DATE_HINT),
    ]),
    Case("impossible-iso-date", {T + "ngay-iso-sai.md": fm("title: Ngày ISO sai", "date: 2020-02-31")}, [
        (T + "ngay-iso-sai.md:3: Trường “date”: ngày “2020-02-31” không có thật (kiểm tra ngày và tháng).", DATE_HINT),
    ]),
    Case("unreadable-date", {T + "ngay-la.md": fm("title: Ngày lạ", "date: 30 tháng 12 năm 2014")}, [
        (T + "ngay-la.md:3: Trường “date”: không đọc được ngày “30 tháng 12 năm 2014”.", DATE_HINT),
    ]),
    Case("unknown-key", {T + "khoa-la.md": fm("title: Khoá lạ", "date: 30/12/2014", "authr: Thành Nhân")}, [
        (T + "khoa-la.md:4: Trường không hợp lệ “authr”.", "Có phải ý bạn là: “author”?"),
    ]),
    Case("unknown-section-and-directive", {T + "muc-la.md": fm("title: Mục lạ", "date: 30/12/2014", "section: tin-tuk",
                                                              "directives: [Chỉ thị 5-CT/TW]")}, [
        (T + "muc-la.md:4: Chuyên mục không tồn tại “tin-tuk”.", "Có phải ý bạn là: “tin-tuc”?"),
        (T + "muc-la.md:5: Văn bản chỉ đạo chưa có trong danh mục: “Chỉ thị 5-CT/TW”.",
         "Các văn bản gần nhất: “Chỉ thị 05-CT/TW”? Nếu là văn bản mới, hãy thêm nó vào content/directives.toml."),
    ]),
    Case("wrong-type", {T + "sai-kieu.md": fm("title: Sai kiểu", "date: 30/12/2014", "directives: Chỉ thị 05-CT/TW",
                                             "featured: có")}, [
        (T + "sai-kieu.md:4: Trường “directives” phải là một danh sách.",
         "Viết trong ngoặc vuông: directives: [Chỉ thị 05-CT/TW]"),
        (T + "sai-kieu.md:5: Trường “featured” phải là true hoặc false.", "Sửa giá trị của featured ở dòng này."),
    ]),
    Case("duplicate-key", {T + "hai-lan.md": fm("title: Lần một", "date: 30/12/2014", "title: Lần hai")}, [
        (T + "hai-lan.md:4: Trường “title” được viết hai lần (dòng 2 và dòng 4).", "Xoá một trong hai dòng."),
    ]),
    Case("bad-attachment-entry", {T + "dinh-kem-sai.md": fm("title: Đính kèm sai", "date: 30/12/2014",
                                                           "attachments: [{file: tai-lieu.pdf, titel: Toàn văn}]")}, [
        (T + "dinh-kem-sai.md:4: Tệp đính kèm có khoá không hợp lệ “titel”.", "Có phải ý bạn là: “title”?"),
    ]),
    # encoding
    Case("windows-1258", {T + "ma-cu.md": windows_1258(fm("title: Tiếng Việt", "date: 30/12/2014"))}, [
        (T + "ma-cu.md:2: Tệp không được lưu bằng mã UTF-8 (có lẽ là Windows-1258 hoặc TCVN3).",
         "Mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8, hoặc chạy: "
         "iconv -f WINDOWS-1258 -t UTF-8 ma-cu.md -o ma-cu.utf8.md rồi thay tệp cũ bằng tệp mới."),
    ]),
    Case("theme-static-clash", {"content/static/bantin.css": "body { color: red; }\n"}, [
        ("content/static/bantin.css: Tệp này trùng tên với tệp static/bantin.css của giao diện, và sẽ bị tệp đó ghi đè.",
         "Đổi tên tệp (và các liên kết tới nó), hoặc chuyển nó sang thư mục khác."),
    ]),
    Case("bom-then-windows-1258", {T + "bom-ma-cu.md": b"\xef\xbb\xbf" + "---\ntitle: a\n".encode() + windows_1258("đề: Tết\n")}, [
        (T + "bom-ma-cu.md:3: Tệp không được lưu bằng mã UTF-8 (có lẽ là Windows-1258 hoặc TCVN3).",
         "Mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8, hoặc chạy: "
         "iconv -f WINDOWS-1258 -t UTF-8 bom-ma-cu.md -o bom-ma-cu.utf8.md rồi thay tệp cũ bằng tệp mới."),
    ]),
    Case("utf-16", {T + "utf16.md": fm("title: Mười sáu", "date: 30/12/2014").encode("utf-16")}, [
        (T + "utf16.md:1: Tệp được lưu bằng mã UTF-16, không phải UTF-8.",
         "Mở tệp bằng trình soạn thảo và lưu lại với mã UTF-8, hoặc chạy: "
         "iconv -f UTF-16 -t UTF-8 utf16.md -o utf16.utf8.md rồi thay tệp cũ bằng tệp mới."),
    ]),
    Case("control-characters", {T + "dan-tu-word.md": fm("title: Dán từ Word", "date: 30/12/2014",
                                                        body="Đoạn một.\n\nDán từ Word\x0b và \x07 nữa.\n\nĐoạn\u2028ba.")}, [
        (T + "dan-tu-word.md:8: Có ký tự điều khiển vô hình U+000B ở cột 12.", CONTROL_HINT),
        (T + "dan-tu-word.md:10: Có ký tự điều khiển vô hình U+2028 ở cột 5.", CONTROL_HINT),
    ]),
    # paths and names
    Case("same-output", {T + "trung-1.md": article("Trùng lặp"), T + "trung-2.md": article("Trùng lặp")}, [
        (T + "trung-2.md:1: Hai nguồn cùng ghi ra một tệp “tin-tuc/trung-lap/index.html”: "
         "content/tin-tuc/trung-1.md và content/tin-tuc/trung-2.md.", "Đổi slug (thêm dòng slug: ...) của một trong hai bài."),
    ]),
    Case("empty-slug", {T + "dau-cau.md": fm('title: "!!! ??? …"', "date: 30/12/2014")}, [
        (T + "dau-cau.md:2: Không tạo được đường dẫn (slug) từ tiêu đề “!!! ??? …”.",
         "Thêm dòng slug: ten-bai-viet (chữ thường không dấu, số, gạch ngang)."),
    ]),
    Case("slug-escape", {T + "slug-thoat.md": fm("title: Thoát", "date: 30/12/2014", "slug: ../../etc")}, [
        (T + "slug-thoat.md:4: slug “../../etc” không hợp lệ.",
         "Chỉ dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ: slug: etc"),
    ]),
    Case("files-escape", {T + "tep-thoat.md": fm("title: Tệp thoát", "date: 30/12/2014", "image: ../../site.toml",
                                                "image_alt: Ảnh", "attachments: [/etc/passwd, ../../../x.pdf]",
                                                "aliases: [/../../x, //example.com/x]",
                                                body="[Mật khẩu](../../../etc/passwd)\n\n![Ảnh](/etc/anh.png)")}, [
        (T + "tep-thoat.md:4: “../../site.toml” trỏ ra ngoài thư mục content/.", OUTSIDE_HINT),
        (T + "tep-thoat.md:6: “/etc/passwd” phải là tệp nằm trong content/, không phải địa chỉ tuyệt đối.",
         "Chép tệp vào cạnh bài viết và chỉ ghi tên tệp, ví dụ: anh-hoi-nghi.jpg"),
        (T + "tep-thoat.md:6: “../../../x.pdf” trỏ ra ngoài thư mục content/.", OUTSIDE_HINT),
        (T + "tep-thoat.md:7: Địa chỉ cũ “/../../x” không hợp lệ.",
         "Ghi phần đường dẫn của địa chỉ cũ, ví dụ: /Pages/tin-tuc/bai-cu.aspx"),
        (T + "tep-thoat.md:7: Địa chỉ cũ “//example.com/x” không hợp lệ.",
         "Ghi phần đường dẫn của địa chỉ cũ, ví dụ: /Pages/tin-tuc/bai-cu.aspx"),
        (T + "tep-thoat.md:10: Đường dẫn “../../../etc/passwd” trỏ ra ngoài thư mục content/.",
         "Chép tệp vào trong content/ rồi trỏ tới nó."),
        (T + "tep-thoat.md:12: Đường dẫn “/etc/anh.png” bắt đầu bằng /.",
         "Viết đường dẫn tương đối tính từ tệp bài viết, ví dụ: ../xay-dung-dang/bai-khac.md"),
    ]),
    Case("alias-dot-segments", {T + "bi-danh.md": fm("title: Bí danh", "date: 30/12/2014", "aliases: [/tin-tuc/./bai-tot/]")}, [
        (T + "bi-danh.md:1: Hai nguồn cùng ghi ra một tệp “tin-tuc/bai-tot/index.html”: "
         "content/tin-tuc/bai-tot.md và content/tin-tuc/bi-danh.md.", "Đổi slug (thêm dòng slug: ...) của một trong hai bài."),
    ]),
    Case("alias-over-a-file", {T + "bi-danh-tep.md": fm("title: Bí danh tệp", "date: 30/12/2014", "aliases: [/feed.xml]")}, [
        (T + "bi-danh-tep.md:1: “feed.xml/index.html” cần thư mục “feed.xml”, nhưng /feed.xml đã ghi ra tệp cùng tên.",
         "Đổi slug hoặc địa chỉ cũ (aliases) để hai đường dẫn không đè lên nhau."),
    ]),
    Case("symlink-outside", {T + "lien-ket.md": Link("outside.md")}, [
        (T + "lien-ket.md:1: Liên kết tượng trưng (symlink) trỏ ra ngoài dự án.",
         "Chép tệp thật vào content/ thay cho liên kết."),
    ]),
    Case("symlink-dangling", {T + "lien-ket-hong.md": Link("site/content/khong-co.md")}, [
        (T + "lien-ket-hong.md:1: Liên kết tượng trưng (symlink) trỏ tới tệp không tồn tại.",
         "Chép tệp thật vào content/ thay cho liên kết."),
    ]),
    Case("symlink-loop", {T + "vong.md": Link("site/content/tin-tuc/vong.md")}, [
        (T + "vong.md:1: Liên kết tượng trưng (symlink) trỏ tới tệp không tồn tại.", "Chép tệp thật vào content/ thay cho liên kết."),
    ]),
    Case("name-not-utf8", {T + os.fsdecode(windows_1258("tên-cũ.md")): article("Tên tệp mã cũ")}, [
        (T + "t\ufffdn-cu\ufffd.md:1: Tên tệp không phải chữ UTF-8 (có lẽ tệp được giải nén từ tệp ZIP tạo trên Windows).",
         "Đổi tên tệp, gõ lại tên bằng bộ gõ Unicode."),
    ]),
    Case("missing-files", {T + "thieu-tep.md": fm("title: Thiếu tệp", "date: 30/12/2014", "image: khong-co.png",
                                                 "image_alt: Ảnh", "attachments: [khong-co.pdf]", "related: [khong-co]",
                                                 body="[Bài kia](../xay-dung-dang/khong-co.md)")}, [
        (T + "thieu-tep.md:4: Không tìm thấy ảnh “tin-tuc/khong-co.png”.",
         "Chép ảnh vào cạnh bài viết và ghi đúng tên tệp ở trường image."),
        (T + "thieu-tep.md:6: Không tìm thấy tệp đính kèm “tin-tuc/khong-co.pdf”.",
         "Chép tệp vào cạnh bài viết và ghi đúng tên tệp."),
        (T + "thieu-tep.md:7: Không tìm thấy bài liên quan “khong-co”.", None),
        (T + "thieu-tep.md:10: Không tìm thấy tệp “xay-dung-dang/khong-co.md” mà bài viết liên kết tới.",
         "Kiểm tra tên tệp (cả chữ hoa, chữ thường) và đường dẫn tương đối tính từ bài viết."),
    ]),
    # other files
    Case("binary-md", {T + "anh-doi-ten.md": PNG}, [
        (T + "anh-doi-ten.md:3: Tệp này không phải văn bản (có byte NUL): có lẽ là ảnh hay tệp Word bị đặt đuôi .md.",
         "Xoá tệp này, hoặc chép nội dung sang một tệp .md lưu bằng mã UTF-8."),
    ]),
    Case("nul-in-text", {T + "co-nul.md": fm("title: Có NUL", "date: 30/12/2014", body="Đoạn một.\n\nHỏng\x00ở đây.")}, [
        (T + "co-nul.md:8: Tệp này không phải văn bản (có byte NUL): có lẽ là ảnh hay tệp Word bị đặt đuôi .md.",
         "Xoá tệp này, hoặc chép nội dung sang một tệp .md lưu bằng mã UTF-8."),
    ]),
    Case("huge-md", {T + "qua-lon.md": article("Quá lớn", body="chu " * 600_000)}, [
        (T + "qua-lon.md:1: Tệp quá lớn (2,4 MB; bài viết tối đa 2 MB).",
         "Có lẽ tệp bị chép nhầm vào content/: hãy xoá nó, hoặc chia bài thành nhiều bài nhỏ hơn."),
    ]),
]


def make_files(root: Path, files: dict[str, str | bytes | Link]) -> None:
    """Write files (or symbolic links) into a site."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Link):
            path.symlink_to(root.parent / data.target)
        else:
            path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def reported(stderr: str) -> list[tuple[str, str | None]]:
    """Split stderr into (first line, hint) errors, leaving warnings and the summary out."""
    found: list[tuple[str, str | None]] = []
    last_was_error = False
    for line in stderr.splitlines():
        if line.startswith("    → "):
            if last_was_error:  # a warning's hint stays with the warning
                found[-1] = (found[-1][0], line.removeprefix("    → "))
        elif re.match(r"[^\s:]+(?::\d+)?: ", line):
            last_was_error = ": cảnh báo: " not in line
            if last_was_error:
                found.append((line, None))
    return found


def expected(cases: list[Case]) -> list[tuple[str, str | None]]:
    """The sorted errors a set of cases must produce."""
    return [error for case in cases for error in case.errors]


def matches(actual: list[tuple[str, str | None]], wanted: list[tuple[str, str | None]]) -> bool:
    """Compare errors in any order; a None hint in `wanted` accepts any hint."""
    actual, wanted = sorted(actual, key=lambda e: e[0]), sorted(wanted, key=lambda e: e[0])
    return len(actual) == len(wanted) and all(a[0] == w[0] and (w[1] is None or a[1] == w[1]) for a, w in zip(actual, wanted))


@pytest.fixture(scope="module")
def good_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A site that builds cleanly, built once, with a snapshot of its output."""
    root = make_site(tmp_path_factory.mktemp("good") / "site", GOOD)
    result = run_build(root)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    return root, snapshot(root / "public")


def copy_site(good_site: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    """Copy the built good site (output included) to a fresh folder."""
    root = tmp_path / "site"
    shutil.copytree(good_site[0], root, symlinks=True)
    (tmp_path / "outside.md").write_text(article("Ngoài dự án"), encoding="utf-8")
    return root


def assert_refused(root: Path, result, before: dict[str, bytes]) -> None:
    """A refused build exits 1 without a traceback, and leaves the previous output exactly as it was."""
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr and "Lỗi nội bộ" not in result.stderr
    assert result.stderr.rstrip().endswith("Trang cũ (nếu có) được giữ nguyên.")
    assert snapshot(root / "public") == before
    assert not list(root.glob(".public.staging*"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_and_the_old_site_is_kept(case: Case, good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    make_files(root, case.files)
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    actual = reported(result.stderr)
    assert matches(actual, expected([case])), "\n".join(f"{a}\n    → {b}" for a, b in actual)
    assert f"Không dựng được bản tin: {len(case.errors)} lỗi." in result.stderr


def test_every_content_error_is_reported_in_one_run(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    for case in CASES:
        make_files(root, case.files)
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    actual = reported(result.stderr)
    assert matches(actual, expected(CASES)), "\n".join(f"{a}\n    → {b}" for a, b in actual)


def test_debug_shows_the_same_errors_and_still_no_traceback(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    make_files(root, CASES[0].files)
    result = run_build(root, "--debug")
    assert_refused(root, result, good_site[1])
    assert matches(reported(result.stderr), expected(CASES[:1]))


# input that must be accepted silently


def test_bom_nfd_and_stray_editor_files_are_accepted_silently(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    nfd = unicodedata.normalize("NFD", "Tiếng Việt tổ hợp")
    make_files(root, {
        T + "co-bom.md": "\ufeff" + article("Có BOM ở đầu"),
        T + "co-bom-toml.md": "\ufeff+++\ntitle = \"BOM và TOML\"\ndate = 2014-12-30\n+++\n\nNội dung.\n",
        T + "to-hop.md": article(nfd, body=unicodedata.normalize("NFD", "Nội dung tổ hợp.\n\n![Ảnh tổ hợp](ảnh-đẹp.png)")),
        T + unicodedata.normalize("NFD", "ảnh-đẹp.png"): PNG,
        T + "crlf.md": article("Xuống dòng Windows", summary="Tóm tắt").replace("\n", "\r\n"),
        T + "bai-tot.md~": "bản lưu", T + ".bai-tot.md.swp": b"\x00\x01", T + ".DS_Store": b"\x00\x00\x00\x01Bud1",
        T + "#bai-tot.md#": "autosave", T + "~$ban-nhap.docx": b"PK\x03\x04", "content/Thumbs.db": b"\x00",
        T + "bai.tmp": "x", T + "bai-tot.md.bak": "x", T + "CHU-HOA.MD": article("Đuôi viết hoa"),
    })
    result = run_build(root)
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert "<h1>Có BOM ở đầu</h1>" in read(root, "tin-tuc/co-bom-o-dau/index.html")
    assert "<h1>BOM và TOML</h1>" in read(root, "tin-tuc/bom-va-toml/index.html")
    page = read(root, "tin-tuc/tieng-viet-to-hop/index.html")
    assert "<h1>Tiếng Việt tổ hợp</h1>" in page and "Nội dung tổ hợp." in page
    assert 'src="/ban-tin/tin-tuc/ảnh-đẹp.2.png"' in page and (root / "public/tin-tuc/ảnh-đẹp.2.png").is_file()
    assert unicodedata.is_normalized("NFC", page)
    assert "<h1>Xuống dòng Windows</h1>" in read(root, "tin-tuc/xuong-dong-windows/index.html")
    assert "<h1>Đuôi viết hoa</h1>" in read(root, "tin-tuc/duoi-viet-hoa/index.html")  # .MD is Markdown too
    names = {p.name for p in (root / "public").rglob("*")}
    assert not names & {"bai-tot.md~", ".bai-tot.md.swp", ".DS_Store", "#bai-tot.md#", "~$ban-nhap.docx", "Thumbs.db",
                        "bai.tmp", "bai-tot.md.bak"}


# templates and configuration


def test_broken_template_names_the_template_file_and_line(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    make_files(root, {"theme/templates/article.html": "{% extends 'base.html' %}\n{% block main %}\n{{ page.title }\n{% endblock %}\n"})
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    assert reported(result.stderr) == [("theme/templates/article.html:3: Lỗi cú pháp trong mẫu giao diện: unexpected '}'",
                                        "Kiểm tra các cặp {% ... %} và {{ ... }} ở dòng này.")]


def test_template_naming_a_missing_variable_names_the_template_line(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    make_files(root, {"theme/templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n\n{{ page.titel }}\n{% endblock %}\n"})
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    [(line, hint)] = reported(result.stderr)
    assert line.startswith("theme/templates/page.html:4: Lỗi khi dựng trang /gioi-thieu/ bằng mẫu giao diện:")
    assert "titel" in line


def test_bad_site_toml_lists_every_problem_with_its_key(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    text = (SITE_TOML.replace("per_page = 2", 'per_page = "2"\ntrust_html = "có"\ntitel = "x"')
            .replace('slug = "tin-tuc"', 'slug = "Tin Tức"').replace('email = "bantin@example.org"\n', "")
            + "\n[extra]\nx = 1\n")
    (root / "site.toml").write_text(text, encoding="utf-8")
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    assert reported(result.stderr) == [
        ("site.toml:5: “per_page” trong [site] phải là số nguyên.", "Ví dụ: per_page = 10"),
        ("site.toml:6: “trust_html” trong [site] phải là true hoặc false.", "Ví dụ: trust_html = true"),
        ("site.toml:7: Khoá không hợp lệ “titel” trong [site].", "Có phải ý bạn là: “title”?"),
        ("site.toml:10: slug “Tin Tức” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang.", 'Ví dụ: slug = "xay-dung-dang"'),
        ("site.toml:18: Thiếu khoá bắt buộc “email” trong [footer].", 'Thêm dòng: email = "..."'),
        ("site.toml:27: Bảng không hợp lệ “extra”.", "Các giá trị hợp lệ: “footer”, “images”, “menu”, “search”, “sections”, “site”"),
    ]


def test_bad_directives_register_is_located(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    register = (root / "content/directives.toml").read_text(encoding="utf-8")
    (root / "content/directives.toml").write_text(register.replace('kind = "Kết luận"', 'kind = "Ket luan"\nnumbr = "x"'),
                                                  encoding="utf-8")
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    assert [line for line, _ in reported(result.stderr)] == [  # and no knock-on errors in the articles
        "content/directives.toml:11: Loại văn bản không hợp lệ “Ket luan”.",
        "content/directives.toml:12: Khoá không hợp lệ “numbr” trong [directive].",
    ]



def test_a_directive_missing_a_required_key_is_reported_not_a_crash(good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    register = (root / "content/directives.toml").read_text(encoding="utf-8")
    (root / "content/directives.toml").write_text(register.replace('number = "01-KL/TW"\n', ""), encoding="utf-8")
    result = run_build(root)
    assert_refused(root, result, good_site[1])
    assert reported(result.stderr) == [("content/directives.toml:10: Thiếu khoá bắt buộc “number” trong [directive].",
                                        'Thêm dòng: number = "..."')]


# `check` and `build` agree on what is an error

AGREEMENT = CASES + [
    Case("broken-template", {"theme/templates/article.html": "{% extends 'base.html' %}\n{% block main %}\n{{ page.title }\n"}),
    Case("bad-site-toml", {"site.toml": SITE_TOML.replace("per_page = 2", 'per_page = "hai"\ntitel = "x"')}),
    Case("alias-over-robots", {T + "robots.md": article("Bí danh robots", aliases="[/robots.txt]")}),
    Case("asset-over-robots", {"content/robots.txt": "User-agent: *\n"}),
    Case("long-alias", {T + "dai.md": article("Bí danh dài", aliases="[/" + "a" * 300 + "/]")}),
    Case("deep-alias", {T + "sau.md": article("Bí danh sâu", aliases="[/" + "a/" * 2000 + "]")}),
    Case("active-html", {T + "trang.html": "<script>alert(1)</script>"}),
    Case("folder-link-loop", {T + "vong": Link("site/content")}),
    Case("noncharacter", {T + "la.md": article("Lạ\uffff")}),
    Case("not-an-image", {T + "anh.md": article("Ảnh hỏng", body="![Ảnh](hong.png)"), T + "hong.png": b"day khong phai anh"}),
    Case("truncated-photo", {T + "anh.md": article("Ảnh cụt", body="![Ảnh](cut.jpg)"), T + "cut.jpg": JPEG[: len(JPEG) // 2]}),
    Case("lying-extension", {T + "anh.md": article("Ảnh sai đuôi", body="![Ảnh](sai.jpg)"), T + "sai.jpg": GIF}),
    Case("calendar-edge", {T + "bien.md": article("Ngày ở biên", date="0001-01-01T00:00:00+14:00")}),
    Case("deep-yaml", {T + "sau.md": "---\ntitle: Sâu\ndate: 01/02/2024\nextra: " + "[" * 20000 + "]" * 20000 + "\n---\n\nThân bài.\n"}),
]


@pytest.mark.parametrize("case", AGREEMENT, ids=[c.name for c in AGREEMENT])
def test_check_and_build_agree_on_what_is_an_error(case: Case, good_site, tmp_path: Path) -> None:
    root = copy_site(good_site, tmp_path)
    make_files(root, case.files)
    checked = run_build(root, "check")
    assert "Traceback" not in checked.stderr and "Lỗi nội bộ" not in checked.stderr
    assert snapshot(root / "public") == good_site[1]  # check never writes
    built = run_build(root, "build")
    assert (checked.code, sorted(reported(checked.stderr))) == (built.code, sorted(reported(built.stderr)))
    assert built.code == 1
