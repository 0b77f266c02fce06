"""Read a text capture (a portal page's visible text, copied from a browser) into an article.

The page's lines come in a known order: furniture and the section's name, the date, the
title (the first line long enough to be one that is not a slogan or the site's greeting),
a sapo or a photo caption, the body, and the byline and source at the end, then more
furniture and, on SharePoint, the field list of the article type.
"""

from __future__ import annotations

from pathlib import Path

from .text import (FIELD_LIST, Imported, body_paragraphs, byline_and_source, directives_named, find_date, footer_facts,
                   is_furniture, nfc, words)

CAPTION_WORDS = 30  # a photo caption is a short line; a sapo or a paragraph of the body is longer
TITLE_WORDS = (5, 40)


def extract_capture(text: str, source: Path, sections: list[str], fallback_year: int | None = None) -> Imported:
    """Find the article in the text of a captured page; `sections` are the bulletin's section names."""
    found = Imported(source)
    lines = [" ".join(line.split()) for line in nfc(text).splitlines()]
    for marker in FIELD_LIST:  # SharePoint's edit furniture and field list: nothing after it is the article
        lines = next((lines[:i] for i, line in enumerate(lines) if line.startswith(marker)), lines)
    found.footer = footer_facts("\n".join(lines))
    kept = [line for line in lines if line and not is_furniture(line)]
    start = read_capture_head(kept, sections, found)
    rest = [line for line in kept[start:] if not (find_date(line)[0] and words(line) <= 3) and line != found.title]
    if not found.title:
        found.notes.append("không tìm thấy tiêu đề")
        return found
    if found.date is None:
        found.date, note = find_date("\n".join(rest[:3]), fallback_year)
        if note:
            found.notes.append(note)
    lead = [rest.pop(0)] if rest and words(rest[0]) > CAPTION_WORDS else []  # a sapo, right under the title
    captions = []
    while rest and words(rest[0]) <= CAPTION_WORDS and len(captions) < 3 and len(rest) > 1:
        captions.append(rest.pop(0))  # short lines before the body: the photo's caption, perhaps on two lines
    body, found.author, found.origin = byline_and_source(rest)
    found.summary = lead[0] if lead else ""  # without a sapo, the first paragraph is the summary (the build's default)
    if captions:
        found.image_caption = " ".join(captions)
        found.notes.append("bản chép chữ không có tệp ảnh: chú thích ảnh được giữ ở đầu bài")
    paragraphs, questions = body_paragraphs(body)
    found.interview = questions >= 2
    if found.image_caption:  # marked as a caption, after the first paragraph so that it never stands as the summary
        paragraphs.insert(1 if lead == [] and paragraphs else 0, f"*Ảnh: {found.image_caption}*")
    found.body = "\n\n".join(paragraphs) + "\n"
    found.mentions = directives_named(" ".join([found.title, found.summary, *body]))
    if not found.date:
        found.notes.append("không tìm thấy ngày đăng")
    if not body:
        found.notes.append("không tìm thấy nội dung bài")
    return found


def read_capture_head(lines: list[str], sections: list[str], found: Imported) -> int:
    """Read the section, the date and the title from the lines above the article; return where its text starts."""
    named = {name.casefold(): name for name in sections}
    for index, line in enumerate(lines):
        if line.casefold() in named:
            found.section = found.section or named[line.casefold()]
        elif (date := find_date(line))[0] and words(line) <= 8:
            found.date = found.date or date[0]
        elif TITLE_WORDS[0] <= words(line) <= TITLE_WORDS[1] and not line.endswith((".", "!", ":")) or index >= 6:
            found.title = line
            return index + 1
    return 0
