"""site.toml: a declared schema; unknown keys are errors; every problem is reported in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bantin.stages.config import load_config
from bantin.problems import BuildError
from sitekit import SITE_TOML, make_site, run_build


def config_errors(tmp_path: Path, text: str) -> list[str]:
    """Load a site.toml text and return the formatted problems."""
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        load_config(tmp_path)
    return [p.format() for p in caught.value.problems]


def test_sample_config_loads() -> None:
    config = load_config(Path(__file__).resolve().parent.parent)
    assert config.lang == "vi" and config.timezone == "Asia/Ho_Chi_Minh"
    assert config.base_path == "/ban-tin/"
    assert [s.slug for s in config.sections] == ["tin-tuc-su-kien", "xay-dung-dang", "guong-nguoi-tot-viec-tot", "phong-van"]
    assert config.footer.licence.startswith("Giấy phép")


def test_defaults_fill_optional_keys(tmp_path: Path) -> None:
    make_site(tmp_path)
    config = load_config(tmp_path)
    assert config.per_page == 2 and config.output == (tmp_path / "public").resolve()
    assert config.menu[0].url == "/" and config.menu[-1].url == "/van-ban/"  # default menu: home, sections, directives
    assert [m.url for m in config.menu[1:-1]] == ["/tin-tuc/", "/xay-dung-dang/"]


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    text = SITE_TOML.replace('title = "Bản tin thử"', 'titel = "Bản tin thử"').replace("per_page = 2", 'per_page = "hai"')
    text += '\n[extras]\nfoo = 1\n'
    errors = config_errors(tmp_path, text)
    assert "site.toml:2: Khoá không hợp lệ “titel” trong [site].\n    → Có phải ý bạn là: “title”?" in errors
    assert any(e.startswith("site.toml:1: Thiếu khoá bắt buộc “title” trong [site].") for e in errors)
    assert any(e.startswith("site.toml:5: “per_page” trong [site] phải là số nguyên.") for e in errors)
    assert any(e.startswith("site.toml:26: Bảng không hợp lệ “extras”.") for e in errors)
    assert len(errors) == 4


def test_bad_values_are_explained(tmp_path: Path) -> None:
    text = SITE_TOML.replace("https://example.org/ban-tin/", "example.org").replace('slug = "tin-tuc"', 'slug = "Tin Tức"')
    text = text.replace("[site]\n", '[site]\ntimezone = "Asia/Hanoi_City"\n')
    errors = config_errors(tmp_path, text)
    assert any("base_url phải là một địa chỉ đầy đủ." in e for e in errors)
    assert any("Múi giờ không tồn tại “Asia/Hanoi_City”." in e for e in errors)
    assert any("slug “Tin Tức” chỉ được gồm chữ thường không dấu" in e for e in errors)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    errors = config_errors(tmp_path, SITE_TOML.replace('tagline = "Khẩu hiệu thử"', 'tagline = "Khẩu hiệu thử'))
    assert len(errors) == 1 and errors[0].startswith("site.toml:3: Lỗi cú pháp TOML")


def test_missing_footer_fact_is_an_error(tmp_path: Path) -> None:
    errors = config_errors(tmp_path, SITE_TOML.replace('phone = "0200 000 000"\n', ""))
    assert any("Thiếu khoá bắt buộc “phone” trong [footer]." in e for e in errors)


def test_cli_reports_config_errors_once_and_exits_1(tmp_path: Path) -> None:
    make_site(tmp_path, site_toml=SITE_TOML.replace("per_page = 2", "per_pages = 2"))
    result = run_build(tmp_path)
    assert result.code == 1
    assert result.stderr.count("Khoá không hợp lệ “per_pages”") == 1
    assert "Có phải ý bạn là: “per_page”?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "public").exists()
