"""Parsing one article from a string: typed front matter, dates in the site's zone, Markdown rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bantin.stages.content import parse_article
from bantin.stages.dates import WEEKDAYS, DateError, long_vietnamese, parse_date, short_vietnamese
from bantin.stages.markup import Converter

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CONVERTER = Converter(trust_html=False)


def parse(text: str, path: str = "xay-dung-dang/bai.md"):
    """Parse an article text with the site defaults."""
    return parse_article(text, path, TZ, CONVERTER)


def test_editor_date_format_is_read_in_the_site_time_zone() -> None:
    moment = parse_date("30/12/2014 07:42", TZ)
    assert moment == datetime(2014, 12, 30, 7, 42, tzinfo=TZ)
    assert long_vietnamese(moment) == "Thứ Ba, 30/12/2014, 07:42"


@pytest.mark.parametrize("moment", [datetime(2014, 12, 30, 7, 42, tzinfo=TZ), datetime(2021, 1, 3, tzinfo=TZ),
                                    datetime(2006, 5, 7, 0, 5, tzinfo=TZ), datetime(999, 10, 1, 23, 0, tzinfo=TZ)])
def test_dates_are_shown_as_strftime_would_show_them(moment: datetime) -> None:
    assert short_vietnamese(moment) == moment.strftime("%d/%m/%Y")
    time = "" if (moment.hour, moment.minute) == (0, 0) else moment.strftime(", %H:%M")
    assert long_vietnamese(moment) == f"{WEEKDAYS[moment.weekday()]}, {moment.strftime('%d/%m/%Y')}{time}"


@pytest.mark.parametrize("text, expected", [
    ("30/12/2014", datetime(2014, 12, 30, 0, 0, tzinfo=TZ)),
    ("2014-12-30", datetime(2014, 12, 30, 0, 0, tzinfo=TZ)),
    ("2014-12-30T07:42:00+07:00", datetime(2014, 12, 30, 7, 42, tzinfo=TZ)),
    ("2014-12-30T00:42:00Z", datetime(2014, 12, 30, 7, 42, tzinfo=TZ)),  # shown in Vietnam time
])
def test_accepted_date_formats(text: str, expected: datetime) -> None:
    assert parse_date(text, TZ) == expected
    assert parse_date(text, TZ).utcoffset() == expected.utcoffset()


def test_a_bare_date_is_not_shown_as_the_day_before() -> None:
    parsed = parse("---\ntitle: Bài\ndate: 2014-12-30\n---\nNội dung.\n").article
    assert parsed.date.astimezone(TZ).day == 30


@pytest.mark.parametrize("text, reason", [("31/02/2020", "không có thật"), ("hôm qua", "không đọc được ngày")])
def test_impossible_or_unreadable_dates(text: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_date(text, TZ)


def test_all_fields_are_typed() -> None:
    text = """---
title: Chi bộ khu phố 3 làm theo Bác
date: 30/12/2014 07:42
directives: [Chỉ thị 05, Kết luận 01-KL/TW]
author: Thành Nhân
source: Theo Báo ĐCSVN
featured: true
image: anh.png
image_alt: Đảng viên sinh hoạt chi bộ
image_caption: Buổi sinh hoạt tháng 12
attachments:
  - chi-thi.pdf
  - {file: ../tai-lieu/huong-dan.pdf, title: Hướng dẫn}
aliases: [/Pages/bai-cu.aspx]
extra: {nguoi_duyet: Ban biên tập}
---

Đoạn mở đầu **đậm**.

Đoạn thứ hai.
"""
    article = parse(text).article
    assert article.title == "Chi bộ khu phố 3 làm theo Bác" and article.slug == "chi-bo-khu-pho-3-lam-theo-bac"
    assert article.directives == ("Chỉ thị 05", "Kết luận 01-KL/TW")
    assert article.featured and article.status == "published"
    assert article.image == "xay-dung-dang/anh.png"
    assert [a.path for a in article.attachments] == ["xay-dung-dang/chi-thi.pdf", "tai-lieu/huong-dan.pdf"]
    assert article.attachments[1].title == "Hướng dẫn"
    assert article.summary == "Đoạn mở đầu đậm." and not article.summary_written
    assert article.extra == {"nguoi_duyet": "Ban biên tập"}
    assert article.line_of("attachments") == 11


def test_toml_front_matter() -> None:
    article = parse('+++\ntitle = "Bài TOML"\ndate = 2016-05-20T08:00:00\nsection = "xay-dung-dang"\n+++\nThân bài.\n').article
    assert article.title == "Bài TOML" and article.date == datetime(2016, 5, 20, 8, 0, tzinfo=TZ)


def test_unknown_key_suggests_the_right_one() -> None:
    problems = parse("---\ntitle: Bài\ndate: 30/12/2014\ndirective: [Chỉ thị 05]\n---\nx\n").problems
    assert [p.format() for p in problems] == [
        "xay-dung-dang/bai.md:4: Trường không hợp lệ “directive”.\n    → Có phải ý bạn là: “directives”?"]


def test_string_where_a_list_is_expected() -> None:
    problems = parse("---\ntitle: Bài\ndate: 30/12/2014\ndirectives: Chỉ thị 05\n---\nx\n").problems
    assert problems[0].line == 4 and "phải là một danh sách" in problems[0].message


def test_explicit_summary_and_slug_win() -> None:
    article = parse("---\ntitle: Bài\ndate: 30/12/2014\nsummary: Sapo riêng.\nslug: bai-rieng\n---\nĐoạn đầu.\n").article
    assert article.summary == "Sapo riêng." and article.summary_written and article.slug == "bai-rieng"


def test_image_needs_alt_text() -> None:
    problems = parse("---\ntitle: Bài\ndate: 30/12/2014\nimage: anh.png\n---\nx\n").problems
    assert problems[0].format().startswith("xay-dung-dang/bai.md:4: Ảnh đại diện thiếu lời mô tả (image_alt).")


def test_decomposed_text_is_normalised_by_the_file_wrapper() -> None:
    from bantin.stages.content import parse_file
    import unicodedata
    text = unicodedata.normalize("NFD", "---\ntitle: Đảng bộ tỉnh\ndate: 30/12/2014\n---\nHọc tập và làm theo Bác.\n")
    article = parse_file(("\ufeff" + text).encode("utf-8"), "a.md", TZ, CONVERTER, "article").article
    assert article.title == "Đảng bộ tỉnh" and unicodedata.is_normalized("NFC", article.body_html)
