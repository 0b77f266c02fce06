"""Read the dates editors write and show dates the Vietnamese way."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
EDITOR_FORMAT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,]+(\d{1,2})[:h](\d{2}))?")
ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\b")
DATE_HINT = "Viết ngày theo dạng 30/12/2014 07:42 (giờ có thể bỏ) hoặc 2014-12-30."


class DateError(ValueError):
    """A date an editor wrote that cannot be read; the message says why."""


FIRST_YEAR, LAST_YEAR = 1906, 9998  # before 1906 Vietnam kept local mean time (+07:06:30), which no feed can write


def parse_date(value: object, tz: ZoneInfo) -> datetime:
    """Turn a front-matter date (text, date or datetime) into an aware datetime in `tz`, within the years a bulletin can show."""
    try:
        moment = read_date(value, tz)
    except OverflowError:  # at the edge of the calendar, such as year 1 at +14:00
        raise DateError(f"ngày “{value}” nằm ngoài lịch mà trang web ghi được (năm {FIRST_YEAR}–{LAST_YEAR})") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DateError(f"năm {moment.year} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR} mà trang web ghi được") from None
    return moment


def read_date(value: object, tz: ZoneInfo) -> datetime:
    """Read a date as written, in `tz`."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz)
    if not isinstance(value, str):
        raise DateError(f"ngày phải là chữ, không phải {type(value).__name__}")
    text = value.strip()
    if match := EDITOR_FORMAT.fullmatch(text):
        day, month, year, hour, minute = (int(g) if g else 0 for g in match.groups())
        return make_datetime(year, month, day, hour, minute, tz, text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        if iso := ISO_DAY.match(text):  # well-formed but impossible, such as 2020-02-31
            make_datetime(*(int(g) for g in iso.groups()), 0, 0, tz, text)
        raise DateError(f"không đọc được ngày “{text}”") from None
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)


def make_datetime(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo, text: str) -> datetime:
    """Build a datetime, explaining impossible dates such as 31/02/2020."""
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise DateError(f"ngày “{text}” không có thật (kiểm tra ngày và tháng)") from None


def long_vietnamese(moment: datetime) -> str:
    """Format as "Thứ Ba, 30/12/2014, 07:42", leaving out a midnight time that was never written."""
    day = f"{WEEKDAYS[moment.weekday()]}, {short_vietnamese(moment)}"
    return day if (moment.hour, moment.minute) == (0, 0) else f"{day}, {moment.hour:02d}:{moment.minute:02d}"


def short_vietnamese(moment: datetime) -> str:
    """Format as "30/12/2014"."""
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"  # strftime costs ten times as much


def rfc3339(moment: datetime) -> str:
    """Format for Atom feeds, sitemaps and JSON-LD."""
    return moment.isoformat(timespec="seconds")
