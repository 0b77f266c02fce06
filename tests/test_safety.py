"""Safety of the output: raw HTML is sanitised (or trusted on request), editors' values are escaped,
and the build never writes or deletes anything outside its output folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitekit import SITE_TOML, article, make_site, read, run_build, snapshot, png

WARN_HINT = "    → Bỏ đoạn mã này khỏi bài, hoặc đặt trust_html = true trong site.toml nếu bạn tin nguồn."
RAW = """\
Đoạn <b onclick="steal()">đậm</b> và <a href="javascript:alert(1)">liên kết</a>.

<script>alert("xss")</script>

<iframe src="https://example.com/nhung"></iframe>

<object data="phim.swf"></object>

<img src="x.png" alt="Ảnh" onerror="alert(2)">

[Bấm vào đây](  JaVaScRiPt:alert(3))

<div class="hop" style="position:fixed">Khung <em>giữ lại</em></div>

```html
<script>đây là mã mẫu, không phải mã chạy</script>
```

Trong câu có chữ `onclick=` và javascript: cũng không sao.
"""
EVIL = "<script>alert('tiêu đề')</script>"


def warnings(stderr: str) -> list[str]:
    """The sanitiser's warning lines, in order."""
    return [line for line in stderr.splitlines() if ": cảnh báo: Đã loại bỏ mã HTML không an toàn" in line]


def body_of(html: str) -> str:
    """The article body as rendered in the page."""
    return html.split('class="prose')[1].split("\n  </div>\n")[0]


def test_raw_html_is_sanitised_by_default_with_a_warning_for_each_removal(tmp_path: Path) -> None:
    make_site(tmp_path, {"content/tin-tuc/bai.md": article("Bài có HTML", body=RAW), "content/tin-tuc/x.png": png()})
    result = run_build(tmp_path)
    assert result.code == 0, result.stderr
    prefix = "content/tin-tuc/bai.md"
    assert warnings(result.stderr) == [  # in the order written; the body starts on line 6
        f"{prefix}:6: cảnh báo: Đã loại bỏ mã HTML không an toàn “onclick=”.",
        f"{prefix}:6: cảnh báo: Đã loại bỏ mã HTML không an toàn “javascript:”.",
        f"{prefix}:8: cảnh báo: Đã loại bỏ mã HTML không an toàn “<script>”.",
        f"{prefix}:10: cảnh báo: Đã loại bỏ mã HTML không an toàn “<iframe>”.",
        f"{prefix}:12: cảnh báo: Đã loại bỏ mã HTML không an toàn “<object>”.",
        f"{prefix}:14: cảnh báo: Đã loại bỏ mã HTML không an toàn “onerror=”.",
        f"{prefix}:16: cảnh báo: Đã loại bỏ mã HTML không an toàn “javascript:”.",
    ]
    assert result.stderr.count(WARN_HINT) == 7
    body = body_of(read(tmp_path, "tin-tuc/bai-co-html/index.html"))
    assert not re.search(r"<script|<iframe|<object|\son\w+=|javascript:alert|alert\(|steal", body, re.I)
    assert "<b>đậm</b>" in body and "<a>liên kết</a>" in body
    assert '<div class="hop">Khung <em>giữ lại</em></div>' in body  # harmless markup survives, its style does not
    assert "&lt;script&gt;đây là mã mẫu, không phải mã chạy&lt;/script&gt;" in body  # code is shown, not run
    assert "<code>onclick=</code> và javascript: cũng không sao." in body
    feed = read(tmp_path, "feed.xml")
    assert "steal()" not in feed and "alert(" not in feed


def test_a_site_can_trust_raw_html(tmp_path: Path) -> None:
    site_toml = SITE_TOML.replace("per_page = 2", "per_page = 2\ntrust_html = true")
    make_site(tmp_path, {"content/tin-tuc/bai.md": article("Bài tin cậy", body=RAW)}, site_toml=site_toml)
    result = run_build(tmp_path)
    assert result.code == 0, result.stderr
    assert warnings(result.stderr) == []
    body = body_of(read(tmp_path, "tin-tuc/bai-tin-cay/index.html"))
    assert '<iframe src="https://example.com/nhung"></iframe>' in body
    assert '<div class="hop" style="position:fixed">' in body


@pytest.mark.parametrize("trust", [False, True])
def test_front_matter_values_are_always_escaped(tmp_path: Path, trust: bool) -> None:
    site_toml = SITE_TOML.replace("per_page = 2", f"per_page = 2\ntrust_html = {str(trust).lower()}")
    make_site(tmp_path, {
        "content/tin-tuc/bai.md": "---\n" + "\n".join([
            f'title: "{EVIL}"', "date: 30/12/2014", 'slug: bai-doc',
            'summary: "<img src=x onerror=alert(1)> tóm tắt"', 'author: "<b>Tác giả</b>"',
            'source: "Theo <i>báo</i>"', 'image: anh.png', 'image_alt: "\\" onload=\\"alert(4)"',
            'image_caption: "<u>chú thích</u>"', 'attachments: [{file: tai-lieu.pdf, title: "<script>x</script>"}]',
        ]) + "\n---\n\nThân bài.\n",
        "content/tin-tuc/anh.png": png(),
        "content/tin-tuc/tai-lieu.pdf": b"%PDF-1.4\n",
    }, site_toml=site_toml)
    result = run_build(tmp_path)
    assert result.code == 0, result.stderr
    for page in ("tin-tuc/bai-doc/index.html", "tin-tuc/index.html", "index.html", "luu-tru/2014/index.html"):
        html = read(tmp_path, page)
        assert "<script>alert(" not in html and "<img src=x" not in html
        assert "<b>Tác giả</b>" not in html and "<u>chú thích</u>" not in html and '" onload="' not in html
    html = read(tmp_path, "tin-tuc/bai-doc/index.html")
    assert "&lt;script&gt;alert(&#39;tiêu đề&#39;)&lt;/script&gt;" in html
    assert 'alt="&#34; onload=&#34;alert(4)"' in html or 'alt="&quot; onload=&quot;alert(4)"' in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>" not in read(tmp_path, "feed.xml")


# the output folder


def tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes | str]:
    """Every file, link and folder under `folder` (links and folders by their target or name), minus skipped tops."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel.split("/")[0] in skip:
            continue
        found[rel] = f"-> {os.readlink(path)}" if path.is_symlink() else ("<dir>" if path.is_dir() else path.read_bytes())
    return found


def site_with_neighbours(tmp_path: Path) -> Path:
    """A built site, inside a parent folder that holds other people's files."""
    (tmp_path / "hang-xom").mkdir()
    (tmp_path / "hang-xom/ghi-chu.txt").write_text("không được đụng vào", encoding="utf-8")
    root = make_site(tmp_path / "site", {"content/tin-tuc/bai.md": article("Bài một")})
    (root / "docs").mkdir()
    (root / "docs/huong-dan.md").write_text("Tài liệu của dự án.", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    assert run_build(root).code == 0
    return root


DANGEROUS = [
    (".", "site.toml:2: Thư mục xuất “{root}” trùng với thư mục dự án hoặc chứa cả dự án."),
    ("..", "site.toml:2: Thư mục xuất “..” không được chứa “..”."),
    ("public/../public", "site.toml:2: Thư mục xuất “public/../public” không được chứa “..”."),
    ("content", "site.toml:2: Thư mục xuất “{root}/content” nằm trong content/."),
    ("content/tin-tuc", "site.toml:2: Thư mục xuất “{root}/content/tin-tuc” nằm trong content/."),
    ("theme", "site.toml:2: Thư mục xuất “{root}/theme” nằm trong theme/."),
    (".git", "site.toml:2: Thư mục xuất “{root}/.git” nằm trong .git/."),
    ("{outside}", "site.toml:2: Thư mục xuất “{outside}” nằm ngoài dự án “{root}”."),
    ("ra-ngoai", "site.toml:2: Thư mục xuất “{outside}” nằm ngoài dự án “{root}”."),
    ("docs", "site.toml:2: Thư mục xuất “{root}/docs” đã có tệp không do bantin dựng (không có index.html); bantin sẽ không xoá nó."),
    ("site.toml", "site.toml:2: “{root}/site.toml” là một tệp, không phải thư mục."),
]


@pytest.mark.parametrize("output, message", DANGEROUS, ids=[d[0] for d in DANGEROUS])
def test_dangerous_output_folders_are_refused_and_nothing_is_touched(tmp_path: Path, output: str, message: str) -> None:
    root = site_with_neighbours(tmp_path)
    outside = tmp_path / "hang-xom"
    (root / "ra-ngoai").symlink_to(outside)
    (root / "site.toml").write_text(SITE_TOML.replace("[site]\n", f'[site]\noutput = "{output.format(outside=outside)}"\n'),
                                    encoding="utf-8")
    before = tree(tmp_path)
    result = run_build(root)
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert message.format(root=root, outside=outside) in result.stderr.splitlines()
    assert tree(tmp_path) == before


def test_the_command_line_output_option_is_checked_too(tmp_path: Path) -> None:
    root = site_with_neighbours(tmp_path)
    before = tree(tmp_path)
    result = run_build(root, "build", "--output", "content")
    assert result.code == 1 and f"--output: Thư mục xuất “{root}/content” nằm trong content/." in result.stderr
    assert "→ Dùng một thư mục riêng trong dự án, ví dụ: --output public" in result.stderr
    assert "site.toml" not in result.stderr  # the editor typed it on the command line, not in site.toml
    result = run_build(root, "build", "--output", "../ngoai")
    assert result.code == 1 and "--output: Thư mục xuất “../ngoai” không được chứa “..”." in result.stderr
    assert "site.toml" not in result.stderr
    assert tree(tmp_path) == before


def test_a_bad_base_url_option_is_blamed_on_the_option(tmp_path: Path) -> None:
    root = site_with_neighbours(tmp_path)
    result = run_build(root, "build", "--base-url", "ban-tin/")
    assert result.code == 1
    assert "--base-url: base_url phải là một địa chỉ đầy đủ.\n    → Ví dụ: --base-url https://example.org/ban-tin/" in result.stderr
    (root / "site.toml").write_text((root / "site.toml").read_text(encoding="utf-8").replace(
        "base_url = ", 'base_url = "ban-tin/"\n# ', 1), encoding="utf-8")
    result = run_build(root)
    assert result.code == 1 and ': base_url phải là một địa chỉ đầy đủ.\n    → Ví dụ: base_url = "https://example.org/ban-tin/"' in result.stderr
    assert "site.toml:" in result.stderr


def test_a_build_writes_and_deletes_only_inside_its_output_folder(tmp_path: Path) -> None:
    root = site_with_neighbours(tmp_path)
    (root / ".public.staging-ghi-chu").mkdir()  # a user's folder that only looks like ours
    (root / ".public.staging-ghi-chu/x.txt").write_text("giữ", encoding="utf-8")
    (root / ".public.staging-12").write_text("một tệp, không phải thư mục", encoding="utf-8")
    stale = root / ".public.staging-999999999"  # what a killed build leaves behind: its process is gone
    (stale / "tin-tuc").mkdir(parents=True)
    (root / "content/tin-tuc/bai-hai.md").write_text(article("Bài hai"), encoding="utf-8")
    (root / "content/tin-tuc/bai.md").unlink()
    before = tree(tmp_path, skip=("site",)) | {f"site/{k}": v for k, v in tree(root, skip=("public", ".bantin")).items()}
    result = run_build(root)
    assert result.code == 0, result.stderr
    after = tree(tmp_path, skip=("site",)) | {f"site/{k}": v for k, v in tree(root, skip=("public", ".bantin")).items()}
    removed = {k for k in before if k.startswith("site/.public.staging-999999999")}
    assert after == {k: v for k, v in before.items() if k not in removed}
    assert not stale.exists()
    assert (root / "public/tin-tuc/bai-hai/index.html").is_file()
    assert not (root / "public/tin-tuc/bai-mot").exists()  # the old article left with the old site


def test_a_symlinked_output_inside_the_project_is_followed_safely(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/tin-tuc/bai.md": article("Bài một")})
    (root / "build").mkdir()
    (root / "public").symlink_to(root / "build")
    result = run_build(root)
    assert result.code == 0, result.stderr
    assert (root / "public").is_symlink() and (root / "build/index.html").is_file()


@pytest.mark.parametrize("files, where, message", [
    ({"content/tin-tuc/b.md": article("Bài b", aliases="[/robots.txt]")},
     "public/robots.txt/index.html", "“robots.txt/index.html” cần thư mục “robots.txt”, nhưng “robots.txt” đã là một tệp."),
    ({"content/robots.txt": "User-agent: *\nDisallow: /\n"},
     "content/robots.txt", "Tệp này trùng tên với tệp bantin tự tạo “robots.txt”."),
], ids=["alias-over-robots", "asset-over-robots"])
def test_output_paths_that_clash_with_generated_files_are_refused(tmp_path: Path, files, where: str, message: str) -> None:
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": article("Bài a")})
    assert run_build(root).code == 0
    old = snapshot(root / "public")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    result = run_build(root)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert f"{where}: {message}" in result.stderr.splitlines()
    assert snapshot(root / "public") == old
