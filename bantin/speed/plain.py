"""Write HTML straight from plain Markdown, byte for byte what Python-Markdown with bantin's extensions writes.

Most articles use only paragraphs, `#` headings, `-` lists, **bold**, *italics* and
[links](url). For them Python-Markdown's general machinery (an element tree, thirty inline
patterns tried on every run of text, nine extensions) is most of the cost of a build.
`PlainWriter` reads such a body line by line and writes its HTML directly. It accepts only
text whose reading is beyond doubt: a body holding anything else (raw HTML, images, tables,
straight quotes that smarty would curl, escapes, indentation, ordered lists…) gets None, and
takes the long way. So it never has to agree with Python-Markdown on a corner case.
`tests/test_plain.py` compares both ways on the sample, the golden sources, the bench corpus
and generated Markdown.
"""

from __future__ import annotations

import html
import re
from typing import Callable

from markdown.extensions.toc import strip_tags, unique

BEYOND_PLAIN = ("<", ">", "&", "\\", "`", "_", "|", "{", "}", "~", "'", '"', "--", "...", "![", "[^", "*[", " \n")
LINK = re.compile(r"\[([^\[\]*\n]+)\]\(([^\s()<>\[\]*\"']+)\)")
STARS = re.compile(r"(\*+)")
HEADING = re.compile(r"(#{1,6}) ([^ #*\[\]\n][^#*\[\]\n]*)")
ORDERED = re.compile(r"\d+\.")
ITEM = "- "


def plain_start(line: str) -> bool:
    """Tell whether a line opens with ordinary text, so that no block syntax can be read into it."""
    first = line[:1]
    if first.isalpha() or first == "(" or (first and not first.isascii()):
        return True  # Markdown's block syntax is all ASCII punctuation
    if first.isdigit():
        return not ORDERED.match(line)
    if first == "*":
        opening = len(line) - len(line.lstrip("*"))
        return opening <= 2 and line[opening:opening + 1] not in ("", " ")
    return first == "[" and LINK.match(line) is not None


def emphasis(text: str) -> str | None:
    """Write `**strong**` and `*em*` in a run of text holding no links; None for any other use of `*`."""
    if "*" not in text:
        return text
    parts = STARS.split(text)
    if len(parts) % 4 != 1:
        return None
    written = [parts[0]]
    for index in range(1, len(parts), 4):
        opening, inner, closing, after = parts[index:index + 4]
        if opening != closing or len(opening) > 2 or not inner or inner != inner.strip() or "\n" in inner:
            return None
        tag = "strong" if len(opening) == 2 else "em"
        written += [f"<{tag}>", inner, f"</{tag}>", after]
    return "".join(written)


class PlainWriter:
    """Turn plain Markdown bodies into HTML, or refuse them."""

    def __init__(self, slugify: Callable[[str, str], str], interviewer_labels: tuple[str, ...]) -> None:
        self.slugify = slugify
        self.interviewer_labels = interviewer_labels

    def write(self, body: str, href: Callable[[str], str | None]) -> tuple[str, bool] | None:
        """Return a body's HTML and whether it is an interview, or None when it is not plain.

        `href` gives the URL to write for a link's target, or None to refuse the body.
        """
        if any(mark in body for mark in BEYOND_PLAIN) or body.endswith(" ") or not body.replace("\n", "").isprintable():
            return None
        blocks = [block for block in (part.strip("\n") for part in body.split("\n\n")) if block]
        written: list[tuple[str, str, str | None]] = []
        ids: set[str] = set()
        counters: dict[str, int] = {}
        for block in blocks:
            kind = "ul" if block.startswith(ITEM) else "h" if block.startswith("#") else "p"
            if kind == "ul" and written and written[-1][0] == "ul":
                return None  # Python-Markdown joins two lists parted by a blank line into one loose list
            made = self.heading(block, ids, counters) if kind == "h" else self.lines(block, kind, href)
            if made is None:
                return None
            written.append((kind, *made))
        return self.assemble(written)

    def heading(self, block: str, ids: set[str], counters: dict[str, int]) -> tuple[str, None] | None:
        """Write a one-line `#` heading with the id the toc extension would give it (h1 becomes h2)."""
        match = HEADING.fullmatch(block)
        if match is None:
            return None
        level, text = max(2, len(match[1])), match[2]
        anchor = unique(self.slugify(html.unescape(strip_tags(text)), "-"), ids, counters)
        return f'<h{level} id="{anchor}">{text}</h{level}>', None

    def lines(self, block: str, kind: str, href: Callable[[str], str | None]) -> tuple[str, str | None] | None:
        """Write a paragraph, or a tight list of one-line `- ` items; also return a paragraph's speaker label."""
        rows = block.split("\n")
        if kind == "p":
            text = self.inline(block, href) if all(plain_start(row) for row in rows) else None
            return None if text is None else (text, opening_label(block))
        if not all(row.startswith(ITEM) and plain_start(row[2:]) for row in rows):
            return None
        items = [self.inline(row[2:], href) for row in rows]
        return None if None in items else ("<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>", None)

    def inline(self, text: str, href: Callable[[str], str | None]) -> str | None:
        """Write links and emphasis in one run of text, or None when it holds anything else."""
        if "[" not in text and "]" not in text:
            return emphasis(text)
        outside = LINK.sub("", text)
        if "[" in outside or "]" in outside:
            return None
        written, last = [], 0
        for match in LINK.finditer(text):
            url, before = href(match[2]), emphasis(text[last:match.start()])
            if url is None or before is None:
                return None
            written += [before, f'<a href="{url}">{match[1]}</a>']
            last = match.end()
        rest = emphasis(text[last:])
        return None if rest is None else "".join(written) + rest

    def assemble(self, written: list[tuple[str, str, str | None]]) -> tuple[str, bool]:
        """Join the blocks, classing question and answer paragraphs when the body is an interview."""
        interview = any(label in self.interviewer_labels for kind, _, label in written if kind == "p")
        role, out = None, []
        for kind, block, label in written:
            if kind != "p":
                role = None if kind == "h" else role
                out.append(block)
                continue
            if interview and label is not None:
                role = "qa-question" if label in self.interviewer_labels else "qa-answer"
                block = block.replace("<strong>", '<strong class="qa-speaker">', 1)
            out.append(f'<p class="{role}">{block}</p>' if interview and role else f"<p>{block}</p>")
        return "\n".join(out), interview


def opening_label(paragraph: str) -> str | None:
    """Return the bold label ending in a colon that opens a paragraph ("BTV"), if any."""
    if not paragraph.startswith("**") or paragraph.startswith("***"):
        return None
    end = paragraph.find("**", 2)
    label = paragraph[2:end].strip()
    return label[:-1].strip() if end > 2 and label.endswith(":") else None
