"""Themes: a site's own theme overrides single templates and static files, the rest falls back to
the default; templates autoescape and fail loudly, naming the theme file and line."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sitekit import REPO, SITE_TOML, article, make_site, read, run_build, png

DEFAULT_THEME = REPO / "theme"
OWN_CSS = "/* giao diện riêng của tỉnh */\nbody { color: #000; }\n"
OWN_PAGE = """\
{% extends "base.html" %}
{% block main %}
<article class="rieng"><h1>{{ data.article.title }}</h1><p>Trang riêng của tỉnh.</p></article>
{% endblock %}
"""


def themed_toml(theme: str) -> str:
    """Return the test site's settings with `theme = ...` in [site]."""
    return SITE_TOML.replace("per_page = 2\n", f'per_page = 2\ntheme = "{theme}"\n')


def site_files(**extra: str) -> dict[str, str]:
    """Return one article, one standalone page and any extra files."""
    return {"content/tin-tuc/2020-01-02-bai-mot.md": article("Bài một", summary="Tóm tắt bài một."),
            "content/pages/gioi-thieu.md": article("Giới thiệu", body="Về bản tin."), **extra}


def test_site_theme_overrides_one_template_and_one_static_file(tmp_path: Path) -> None:
    root = make_site(tmp_path, site_files(**{"giao-dien/templates/page.html": OWN_PAGE,
                                             "giao-dien/static/bantin.css": OWN_CSS}),
                     site_toml=themed_toml("giao-dien"))
    result = run_build(root)
    assert result.code == 0, result.stderr
    page = read(root, "gioi-thieu/index.html")
    assert '<article class="rieng"><h1>Giới thiệu</h1><p>Trang riêng của tỉnh.</p></article>' in page
    assert '<header class="masthead">' in page and 'class="site-footer"' in page  # base.html came from the default
    assert '<div class="prose">' not in page
    article_page = read(root, "tin-tuc/bai-mot/index.html")
    assert '<div class="prose">' in article_page and '<legend>Cỡ chữ</legend>' in article_page
    assert (root / "public/static/bantin.css").read_text(encoding="utf-8") == OWN_CSS
    assert (root / "public/static/emblem.svg").read_bytes() == (DEFAULT_THEME / "static/emblem.svg").read_bytes()
    version = hashlib.sha256(OWN_CSS.encode()).hexdigest()[:10]
    assert f'<link rel="stylesheet" href="/ban-tin/static/bantin.css?v={version}">' in article_page


def test_theme_folder_named_theme_is_used_without_configuration(tmp_path: Path) -> None:
    root = make_site(tmp_path, site_files(**{"theme/templates/_fontsize.html": '<p class="co-chu-rieng">Cỡ chữ riêng</p>\n'}))
    result = run_build(root)
    assert result.code == 0, result.stderr
    page = read(root, "tin-tuc/bai-mot/index.html")
    assert '<p class="co-chu-rieng">Cỡ chữ riêng</p>' in page and '<fieldset class="fontsize">' not in page
    assert (root / "public/static/bantin.css").read_bytes() == (DEFAULT_THEME / "static/bantin.css").read_bytes()


def test_missing_theme_folder_is_an_error(tmp_path: Path) -> None:
    root = make_site(tmp_path, site_files(), site_toml=themed_toml("khong-co"))
    result = run_build(root)
    assert result.code == 1
    assert result.stderr.splitlines()[:2] == [
        "site.toml:6: Không tìm thấy thư mục giao diện “khong-co” (khai báo ở theme = ...).",
        "    → Tạo thư mục đó cạnh site.toml, với templates/ và static/ bên trong,"
        " hoặc xoá dòng theme để dùng giao diện mặc định.",
    ]
    assert not (root / "public").exists()


def test_undefined_variable_fails_naming_the_template_file_and_line(tmp_path: Path) -> None:
    template = '{% extends "base.html" %}\n{% block main %}\n<h1>{{ data.article.title }}</h1>\n<p>{{ so_luot_xem }}</p>\n{% endblock %}\n'
    root = make_site(tmp_path, site_files(**{"giao-dien/templates/page.html": template}), site_toml=themed_toml("giao-dien"))
    result = run_build(root)
    assert result.code == 1
    assert result.stderr.splitlines()[:2] == [
        "giao-dien/templates/page.html:4: Lỗi khi dựng trang /gioi-thieu/ bằng mẫu giao diện:"
        " biến “so_luot_xem” không tồn tại ('so_luot_xem' is undefined)",
        "    → Một biến trong mẫu không tồn tại hoặc sai tên; sửa mẫu ở dòng này.",
    ]
    assert "Traceback" not in result.stderr
    assert not (root / "public").exists()


def test_undefined_attribute_in_a_partial_names_the_partial(tmp_path: Path) -> None:
    partial = '<li>\n  {{ teaser.luot_xem }}\n</li>\n'
    root = make_site(tmp_path, site_files(**{"theme/templates/_teaser.html": partial}))
    result = run_build(root)
    assert result.code == 1
    first = result.stderr.splitlines()[0]
    assert re.fullmatch(r"theme/templates/_teaser\.html:2: Lỗi khi dựng trang /\S* bằng mẫu giao diện: "
                        r"“bantin\.stages\.model\.Teaser object” không có thuộc tính “luot_xem” \(.*\)", first), first


def test_a_site_teaser_partial_renders_every_teaser_with_the_options_of_where_it_is_shown(tmp_path: Path) -> None:
    partial = ('<li class="rieng">{{ teaser.title }} level={{ level }} picture={{ show_picture }}'
               ' section={{ show_section }} summary={{ show_summary }}</li>\n')
    files = {**site_files(**{"theme/templates/_teaser.html": partial}),
             "content/tin-tuc/2020-01-03-bai-hai.md": article("Bài hai", date="03/01/2020 08:00")}
    root = make_site(tmp_path, files)
    result = run_build(root)
    assert result.code == 0, result.stderr
    shown = '<li class="rieng">Bài một level={} picture={} section={} summary={}</li>'
    assert shown.format(3, False, False, False) in read(root, "tin-tuc/bai-hai/index.html")  # "others" in its section
    assert shown.format(2, True, True, True) in read(root, "tin-tuc/index.html")  # the section's listing
    home = read(root, "index.html")
    assert shown.format(3, False, True, True) in home and shown.format(3, False, False, False) in home


def test_cached_partial_renders_a_site_partial_with_exactly_the_values_given(tmp_path: Path) -> None:
    page = ('{% extends "base.html" %}\n{% block main %}\n'
            '{{ cached_partial("_hop.html", tieu_de=data.article.title, so=2) }}{{ cached_partial("_hop.html", tieu_de="Khác", so=3) }}\n'
            '{% endblock %}\n')
    partial = '<p class="hop">{{ tieu_de }} · {{ so }} · {{ config.title }} · {{ url("/") }}</p>\n'
    root = make_site(tmp_path, site_files(**{"theme/templates/page.html": page, "theme/templates/_hop.html": partial}))
    result = run_build(root)
    assert result.code == 0, result.stderr
    shown = read(root, "gioi-thieu/index.html")
    assert '<p class="hop">Giới thiệu · 2 · Bản tin thử · /ban-tin/</p>\n<p class="hop">Khác · 3 · Bản tin thử · /ban-tin/</p>' in shown


def test_cached_partial_refuses_a_list_naming_the_template_line(tmp_path: Path) -> None:
    page = '{% extends "base.html" %}\n{% block main %}\n\n{{ cached_partial("_hop.html", muc=[1, 2]) }}\n{% endblock %}\n'
    root = make_site(tmp_path, site_files(**{"theme/templates/page.html": page, "theme/templates/_hop.html": "<p>{{ muc }}</p>"}))
    result = run_build(root)
    assert result.code == 1
    assert result.stderr.splitlines()[0] == (
        "theme/templates/page.html:4: Lỗi khi dựng trang /gioi-thieu/ bằng mẫu giao diện: cached_partial(\"_hop.html\", ...)"
        " chỉ nhận giá trị không đổi (chữ, số, bộ), không nhận danh sách hay từ điển")


def test_bantin_functions_called_in_loops_and_macros_and_a_macro_named_like_one(tmp_path: Path) -> None:
    page = ('{% extends "base.html" %}\n{% block main %}\n'
            '{% macro hop(so) %}<p class="hop">{{ so }}: {{ caller() }}</p>{% endmacro %}\n'
            '{% set ns = namespace(dem=0) %}'
            '{% for so in range(2) %}{% set ns.dem = ns.dem + 1 %}{% call hop(so) %}{{ url("/tin-tuc/") }} {{ menu_current("/tin-tuc/x/") }}'
            '{% endcall %}{% endfor %}<p class="dem">{{ ns.dem }}</p>\n'
            '{% macro teaser_cards(teasers) %}<p class="rieng">{{ teasers|length }} tin</p>{% endmacro %}'
            '{{ teaser_cards([1, 2, 3]) }}\n{% endblock %}\n')
    root = make_site(tmp_path, site_files(**{"theme/templates/page.html": page}))
    result = run_build(root)
    assert result.code == 0, result.stderr
    shown = read(root, "gioi-thieu/index.html")
    assert ('<p class="hop">0: /ban-tin/tin-tuc/ (&#39;/tin-tuc/&#39;,)</p><p class="hop">1: /ban-tin/tin-tuc/ (&#39;/tin-tuc/&#39;,)</p>'
            '<p class="dem">2</p>') in shown
    assert '<p class="rieng">3 tin</p>' in shown  # the theme's own macro, not bantin's function of that name


def test_the_menu_marks_the_section_a_page_belongs_to(tmp_path: Path) -> None:
    root = make_site(tmp_path, site_files())
    assert run_build(root).code == 0
    current = re.compile(r'<a href="([^"]+)" aria-current="page">')
    assert current.findall(read(root, "tin-tuc/bai-mot/index.html")) == ["/ban-tin/tin-tuc/"]
    assert current.findall(read(root, "tin-tuc/index.html")) == ["/ban-tin/tin-tuc/"]
    assert current.findall(read(root, "index.html")) == ["/ban-tin/"]
    assert current.findall(read(root, "gioi-thieu/index.html")) == []


def test_template_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    broken = '{% extends "base.html" %}\n{% block main %}\n{% if data %}\n<p>x</p>\n{% endblock %}\n'
    root = make_site(tmp_path, site_files(**{"giao-dien/templates/page.html": broken}), site_toml=themed_toml("giao-dien"))
    result = run_build(root)
    assert result.code == 1
    assert result.stderr.startswith("giao-dien/templates/page.html:5: Lỗi cú pháp trong mẫu giao diện: "), result.stderr


class Shown:
    """A value that knows its own HTML."""

    def __html__(self) -> str:
        return "<b>sẵn</b>"


class Text(str):
    """A str subclass, as a library might hand a template."""


def test_text_is_autoescaped_everywhere(tmp_path: Path) -> None:
    title = 'Học <b>đậm</b> & "ngoặc" <script>alert(1)</script>'
    root = make_site(tmp_path, {"content/tin-tuc/2020-01-02-bai.md": article(
        f"'{title}'", slug="bai", summary="'Sapo có <i>thẻ</i> & dấu'", author="'Nhóm <PV>'")})
    result = run_build(root)
    assert result.code == 0, result.stderr
    page = read(root, "tin-tuc/bai/index.html")
    assert "<h1>Học &lt;b&gt;đậm&lt;/b&gt; &amp; &#34;ngoặc&#34; &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert '<p class="sapo">Sapo có &lt;i&gt;thẻ&lt;/i&gt; &amp; dấu</p>' in page
    assert '<meta name="description" content="Sapo có &lt;i&gt;thẻ&lt;/i&gt; &amp; dấu">' in page
    assert '<p class="author">Nhóm &lt;PV&gt;</p>' in page
    assert "<script>" not in page and "<b>" not in page
    assert '"headline":"Học \\u003cb\\u003eđậm' in page  # inside JSON-LD, < > & cannot close the script
    home = read(root, "index.html")
    assert "Học &lt;b&gt;đậm&lt;/b&gt;" in home and "<b>đậm" not in home


def test_content_image_without_alt_text_fails_the_build(tmp_path: Path) -> None:
    body = "Đoạn mở đầu.\n\n![](anh-hop.png \"Chú thích\")\n"
    root = make_site(tmp_path, {"content/tin-tuc/2020-01-02-bai.md": article("Bài có ảnh", body=body),
                                "content/tin-tuc/anh-hop.png": PNG_1X1})
    result = run_build(root)
    assert result.code == 1
    assert result.stderr.splitlines()[:2] == [
        "content/tin-tuc/2020-01-02-bai.md:8: Ảnh “anh-hop.png” thiếu lời mô tả (alt).",
        "    → Viết mô tả ngắn trong ngoặc vuông: ![Mô tả nội dung ảnh](anh.png)",
    ]
    assert not (root / "public").exists()


def test_lead_image_without_alt_text_fails_the_build(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"content/tin-tuc/2020-01-02-bai.md": article("Bài có ảnh", image="anh-hop.png"),
                                "content/tin-tuc/anh-hop.png": PNG_1X1})
    result = run_build(root)
    assert result.code == 1
    assert "content/tin-tuc/2020-01-02-bai.md:4: Ảnh đại diện thiếu lời mô tả (image_alt)." in result.stderr.splitlines()


PNG_1X1 = png()
