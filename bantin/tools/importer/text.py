"""What saved portal pages and text captures have in common: the article found, and the text rules that find it.

`Imported` is one article as found in one old page: every field the importer could read, with a
note for each it could not. The rules here read Vietnamese portal text: the dates they print, the
furniture they surround an article with, bylines, source lines, interviews and numbered measures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# Lines a portal prints around every article: toolbars, text-size controls, counters, lists of other
# items, polls, advertising, SharePoint's field list and version history. None of them is the article.
FURNITURE = re.compile(r"""^(?:
    PublishingPortal\b.* | Skip\ Ribbon\ Commands | Skip\ to\ main\ content | Chào\ mừng\ quý\ vị\b.*
  | Tăng\ cỡ\ chữ.* | Giảm\ cỡ\ chữ.* | Cỡ\ chữ\b.* | Font\ size.* | A-\s*A\s*A\+ | In\ bài(?:\ viết)? | Gửi\ bài(?:\ viết)?
  | (?:Lượt\ (?:người\ )?xem|Số\ lượt\ (?:người\ )?(?:xem|đọc)|Views?)\b.* | Xem\ nhiều\ nhất | Đọc\ nhiều\ nhất | Mới\ nhất
  | Bình\ chọn\b.* | Thăm\ dò(?:\ ý\ kiến)?\b.* | Quảng\ [Cc]áo | Liên\ kết\ website | Tin\ liên\ quan | Các\ tin\ (?:khác|đã\ đưa)
  | Tin\ cùng\ chuyên\ mục | Phản\ hồi | Gửi\ phản\ hồi | Ý\ kiến\ bạn\ đọc | Trở\ về | Quay\ lại | Về\ đầu\ trang | Chia\ sẻ\b.*
  | Manage\ Permissions.* | Version\ History.* | \| | Content\ Type:.* | Version:.* | Created\ at\b.* | Last\ modified\ at\b.*
  | Approval\ Status | Attachments | Bản\ quyền\b.* | ©.*
)$""", re.X | re.I)
FIELD_LIST = ("Manage Permissions", "Version History")  # SharePoint's edit furniture: everything after it is the field list
DATE_TIME = re.compile(r"(?:(?:Thứ\s+\w+|Chủ\s+nhật)\s*,\s*)?(?:[Nn]gày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s*[,-]?\s*(\d{1,2})[:hg](\d{2}))?")
DATE_NO_YEAR = re.compile(r"\b[Nn]gày\s+(\d{1,2})-(\d{1,2})\b(?![-/]\d)")
SOURCE_LINE = re.compile(r"^\(?\s*(?:Theo|Nguồn\s*:)\s*(.+?)\s*\)?\.?$")
BYLINE = re.compile(r"^[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*){0,4}(?:\s*[–,-]\s*[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ.]*){0,4}){0,3}$")
MEASURE = re.compile(r"^(\d{1,2})\s*[-.)]\s+(\S.*)$")  # "5- Đề cao vai trò ..." : a numbered measure
INTERVIEWERS = ("BTV", "PV", "Phóng viên", "Hỏi")
QUESTION = re.compile(r"^(BTV|PV|Phóng viên|Hỏi)\s*:\s*(.+)$")
ANSWER = re.compile(r"^((?:Ông|Bà|Đồng chí|Anh|Chị|Đ/c|Thượng tá|Đại tá|Trung tá)\s+[^:]{2,40}|Trả lời)\s*:\s*(.+)$")
MENTION = re.compile(r"\b(Chỉ thị|Kết luận|Nghị quyết|Quy định|Hướng dẫn)\s+(?:số\s+)?(\d{1,3}(?:-[A-ZĐ]{2,3}/[A-Z]{2,3})?)(?![\w/-])")
FOOTER_FACTS = {
    "licence": re.compile(r"(Giấy phép(?: hoạt động)?(?: số)?\s*[:.]?\s*[\w/.-]+[^.\n]*)", re.I),
    "governing_body": re.compile(r"(Cơ quan chủ quản\s*:[^\n]+)", re.I),
    "editor_in_chief": re.compile(r"(Chịu trách nhiệm(?: chính| nội dung| xuất bản)?\s*:[^\n]+)", re.I),
    "address": re.compile(r"(?:^|\n)\s*(Địa chỉ\s*:[^\n]+)", re.I),
    "phone": re.compile(r"(?:Điện thoại|ĐT|Tel)\s*:\s*([\d .()+-]{8,})", re.I),
    "email": re.compile(r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"),
}


@dataclass
class Imported:
    """One article as found in one old page; `notes` says what could not be found or was guessed."""

    source: Path
    title: str = ""
    date: datetime | None = None
    summary: str = ""
    body: str = ""  # Markdown
    author: str = ""
    origin: str = ""  # the source line: "Theo Báo ĐCSVN"
    section: str = ""  # a section's name or slug, when the page says it
    interview: bool = False
    image: Path | None = None  # the lead photo's file in the saved copy
    image_alt: str = ""
    image_caption: str = ""
    files: dict[str, Path] = field(default_factory=dict)  # name beside the article -> file in the saved copy
    old_url: str = ""
    mentions: list[str] = field(default_factory=list)  # directive names as the text writes them
    footer: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # files the page refers to that the saved copy lacks


def nfc(text: str) -> str:
    """Normalise text to NFC, with plain spaces."""
    return unicodedata.normalize("NFC", text).replace("\xa0", " ").replace("\u200b", "")


def words(text: str) -> int:
    """Count the words of a line."""
    return len(text.split())


def is_furniture(line: str) -> bool:
    """Tell whether a line is portal furniture rather than part of the article."""
    return bool(FURNITURE.match(line.strip()))


def find_date(text: str, fallback_year: int | None = None) -> tuple[datetime | None, str]:
    """Find the first date (and time) a portal prints in `text`; say how it was read when it was a guess."""
    for match in DATE_TIME.finditer(text):
        day, month, year, hour, minute = match.groups()
        try:
            return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0)), ""
        except ValueError:
            continue
    match = DATE_NO_YEAR.search(text)
    if match and fallback_year:
        try:
            found = datetime(fallback_year, int(match[2]), int(match[1]))
        except ValueError:
            return None, ""
        return found, f"ngày “{match[0]}” không ghi năm: lấy năm {fallback_year} (năm muộn nhất trong trang, hoặc của tệp); hãy kiểm tra lại"
    return None, ""


def markdown_line(line: str) -> tuple[str, bool]:
    """Write one paragraph of plain text as Markdown: measures numbered, interview labels bold; tell if it was a question."""
    if match := QUESTION.match(line):
        return f"**BTV:** {match[2]}", True
    if match := ANSWER.match(line):
        return f"**{match[1]}:** {match[2]}", False
    if match := MEASURE.match(line):
        return f"{match[1]}. {match[2]}", False
    return escape_markdown(line), False


def body_paragraphs(paragraphs: list[str], markdown: bool = False) -> tuple[list[str], int]:
    """Write a body's paragraphs in the bulletin's conventions; count the interviewer's questions.

    With `markdown`, the paragraphs are Markdown already (from a saved page): bold labels, headings,
    lists and tables pass as they are, and only plain ones are read as text (measures, "BTV: ...").
    """
    lines, questions = [], 0
    for paragraph in paragraphs:
        if markdown and (label := re.match(r"^\*\*([^*]+?):?\*\*", paragraph)):  # already the interview convention
            questions += label[1].strip().rstrip(":") in INTERVIEWERS
            lines.append(paragraph)
        elif markdown and ("\n" in paragraph or paragraph.startswith(("#", "|", "-", "*", ">", "![", "1."))):
            lines.append(paragraph)
        else:
            written, question = markdown_line(paragraph)
            questions += question
            lines.append(written)
    return lines, questions


def escape_markdown(line: str) -> str:
    """Keep a line of plain text from reading as Markdown syntax (a heading, a list, a quote)."""
    return re.sub(r"^([#>*+-]|\d+\.)(\s)", r"\\\1\2", line)


def directives_named(text: str) -> list[str]:
    """List the directives a text names ("Chỉ thị số 03-CT/TW" as "Chỉ thị 03-CT/TW"), once each, in order."""
    return list(dict.fromkeys(f"{kind} {number}" for kind, number in MENTION.findall(text)))


def footer_facts(text: str) -> dict[str, str]:
    """Find the facts of a portal's footer (licence, governing body, editor in chief, address, phone, email)."""
    found = {}
    for key, pattern in FOOTER_FACTS.items():
        if match := pattern.search(text):
            found[key] = " ".join(match[1].split()).rstrip(" .;,")
    return found if ("licence" in found or "governing_body" in found or "editor_in_chief" in found) else {}


def byline_and_source(lines: list[str]) -> tuple[list[str], str, str]:
    """Take the byline (a short line of names) and the source line (Theo ..., Nguồn: ...) off the end of an article."""
    author = origin = ""
    while lines:
        last = lines[-1].strip()
        if not origin and (match := SOURCE_LINE.match(last)) and words(last) <= 12:
            origin, lines = ("Theo " + match[1]) if last.lstrip("(").startswith("Theo") else match[1], lines[:-1]
        elif not author and words(last) <= 8 and BYLINE.match(last.rstrip(".")):
            author, lines = last.rstrip("."), lines[:-1]
        else:
            break
    return lines, author, origin
