"""Read a saved portal page (HTML, from "Save page as" or a `wget --mirror`) into an article.

Where the portal's markup is known, targeted selectors find each part: SharePoint publishing
pages (the rich-text field, the page image field), and pages this bulletin wrote itself (a
round trip). Elsewhere trafilatura finds the main content. The body goes to Markdown with
markdownify, after the portal's furniture (toolbars, counters, polls, lists of other items,
field lists) is cut out of it.
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from markdownify import MarkdownConverter

from .text import (FIELD_LIST, Imported, body_paragraphs, byline_and_source, directives_named, find_date, footer_facts,
                   is_furniture, nfc)

BODY = ["//*[contains(@class,'ms-rtestate-field') and .//p]", "//*[contains(@id,'RichHtmlField') and .//p]",
        "//div[contains(@class,'prose')]", "//*[contains(@class,'article-content') or contains(@class,'news-content')"
        " or contains(@class,'noi-dung') or contains(@class,'content-detail') or contains(@class,'entry-content')]",
        "//article"]
TITLE = ["//article//h1", "//*[contains(@id,'TitleField') or contains(@class,'news-title') or contains(@class,'title-detail')]",
         "//h1", "//meta[@property='og:title']/@content", "//title"]
SUMMARY = ["//*[contains(@class,'sapo') or contains(@id,'Summary') or contains(@class,'summary') or contains(@class,'news-lead')]"]
DESCRIPTION = ["//meta[@property='og:description']/@content", "//meta[@name='description']/@content"]
LEAD_IMAGE = ["//figure[contains(@class,'lead')]//img", "//*[contains(@id,'ImageField') or contains(@class,'page-image')]//img"]
DATE = ["//article//time/@datetime", "//time/@datetime", "//meta[@property='article:published_time']/@content",
        "//*[contains(@class,'date') or contains(@id,'Date') or contains(@class,'time')]"]
AUTHOR = ["//article//*[contains(@class,'author')]", "//meta[@name='author']/@content"]
SOURCE = ["//article//*[contains(@class,'byline')]//*[contains(@class,'source')]"]
CLASS = "//*[contains(concat(' ', normalize-space(@class), ' '), ' {} ')]"  # an element of exactly this class
FURNITURE = ("//script", "//style", "//noscript", "//input", "//select", "//button", "//nav", "//iframe",
             *(CLASS.format(name) for name in ("fontsize", "breadcrumb", "rail", "share", "social", "related", "related-news",
                                               "ms-webpart-chrome-title", "toolbar", "poll", "banner", "advert")))
ATTACHMENT = re.compile(r"\.(pdf|docx?|xlsx?|odt|pptx?|zip|rar)$", re.I)
SITE_TITLE = re.compile(r"\s+[-–|]\s+[^-–|]*(?:Cổng thông tin|Trang thông tin|Bản tin|Báo điện tử)[^-–|]*$", re.I)


class BulletinMarkdown(MarkdownConverter):
    """markdownify with the bulletin's conventions: ATX headings, "-" bullets, no images (placed apart)."""

    def __init__(self, **options: object) -> None:
        super().__init__(heading_style="ATX", bullets="-", strip=["span", "font", "div", "section", "center"], **options)


def extract_page(html: str, source: Path, sections: list[str], url_base: str = "", mirror: Path | None = None) -> Imported:
    """Find the article in a saved HTML page; files it refers to are looked up beside `source` (and under `mirror`)."""
    found = Imported(source)
    tree = lxml.html.document_fromstring(nfc(html))
    read_head(tree, html, found, sections, url_base, mirror)
    summary, description = first_text(tree, SUMMARY), first_text(tree, DESCRIPTION)
    author, origin = first_text(tree, AUTHOR), first_text(tree, SOURCE)
    body = find_body(tree, html, found, mirror)
    if body is None:
        found.notes.append("không tìm thấy nội dung bài")
        return found
    relink(body, found, source, url_base, mirror)
    markdown = BulletinMarkdown().convert(lxml.html.tostring(body, encoding="unicode"))
    paragraphs = [nfc(p).strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]
    paragraphs = [p for p in paragraphs if not is_furniture(re.sub(r"[*_#]", "", p)) and p != found.title]
    if summary and paragraphs and same_text(paragraphs[0], summary):
        paragraphs = paragraphs[1:]  # a sapo the page shows apart, repeated at the top of the body
    elif not summary and description and paragraphs and not same_text(paragraphs[0], description.rstrip("…"), prefix=True):
        summary = description  # a summary the page gives only to search engines and social networks
    paragraphs, found.author, found.origin = byline_and_source([re.sub(r"^\*\*(.+)\*\*$", r"\1", p) for p in paragraphs])
    found.summary = " ".join(summary.split())
    found.author, found.origin = found.author or author, found.origin or origin
    lines, questions = body_paragraphs(paragraphs, markdown=True)
    found.interview = questions >= 2 or bool(tree.xpath("//*[contains(@class,'interview')]"))
    found.body = "\n\n".join(lines) + "\n"
    found.mentions = directives_named(" ".join([found.title, found.summary, *paragraphs]))
    found.notes += [f"không tìm thấy {name}" for name, value in (("tiêu đề", found.title), ("ngày đăng", found.date)) if not value]
    return found


def read_head(tree: etree._Element, html: str, found: Imported, sections: list[str], url_base: str, mirror: Path | None) -> None:
    """Read what stands around the article: its old address, the footer's facts, the section, title and date."""
    found.old_url = old_url(tree, found.source, url_base, mirror)
    found.footer = footer_facts(nfc(" \n".join(tree.xpath("//footer//text()") or tree.xpath("//body//text()")[-200:])))
    crumbs = [nfc(" ".join(t.split())) for t in tree.xpath("//*[contains(@class,'breadcrumb')]//a//text()")]
    named = {name.casefold(): name for name in sections}
    found.section = next((named[c.casefold()] for c in reversed(crumbs) if c.casefold() in named), "")
    found.title = SITE_TITLE.sub("", first_text(tree, TITLE))
    found.date, note = page_date(tree, html)
    if note:
        found.notes.append(note)


def find_body(tree: etree._Element, html: str, found: Imported, mirror: Path | None) -> etree._Element | None:
    """Cut the furniture out, find the body (by selector, else with trafilatura) and take the lead photo out of it."""
    for path in FURNITURE:
        for element in tree.xpath(path):
            element.drop_tree()
    body = first_element(tree, BODY)
    if body is None:
        found.notes.append("không nhận ra khung nội dung: nội dung do trafilatura tìm")
        extracted = trafilatura.extract(html, output_format="html", include_images=True, include_links=True, favor_recall=True)
        body = lxml.html.fragment_fromstring(extracted, create_parent="div") if extracted else None
    lead = first_element(tree, LEAD_IMAGE)
    if lead is not None:
        take_image(found, lead, found.source, mirror)
        figure = next(lead.iterancestors("figure"), None)
        if figure is not None and figure.getparent() is not None and (body is None or figure not in body.iter()):
            figure.drop_tree()
    if body is None:
        return None
    clean_body(body, found)
    if found.image is None and (image := body.find(".//img")) is not None:
        take_image(found, image, found.source, mirror)  # the first photo of the body leads the article
        holder = image.getparent()
        image.drop_tree()
        if holder is not None and holder.tag in ("p", "figure", "div") and not holder.text_content().strip():
            holder.drop_tree()
    return body


def first_text(tree: etree._Element, paths: list[str]) -> str:
    """Return the text of the first element (or attribute) the paths find."""
    for path in paths:
        for hit in tree.xpath(path):
            text = hit if isinstance(hit, str) else hit.text_content()
            if text := " ".join(nfc(text).split()):
                return text
    return ""


def first_element(tree: etree._Element, paths: list[str]) -> etree._Element | None:
    """Return the first element the paths find."""
    for path in paths:
        if hits := tree.xpath(path):
            return hits[0]
    return None


def page_date(tree: etree._Element, html: str) -> tuple[datetime | None, str]:
    """Find the page's date: a machine-readable one first, then the forms portals print."""
    for path in DATE:
        for hit in tree.xpath(path):
            text = hit if isinstance(hit, str) else hit.text_content()
            if match := re.match(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?", text.strip()):
                year, month, day, hour, minute = match.groups()
                return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0)), ""
            if (found := find_date(nfc(text)))[0]:
                return found
    body = nfc(" ".join(tree.xpath("//body//text()"))[:4000])
    return find_date(body)


def same_text(markdown: str, text: str, prefix: bool = False) -> bool:
    """Tell whether a Markdown paragraph says the same as a plain text (or, with `prefix`, begins with it)."""
    squash = lambda value: re.sub(r"\W+", "", value).casefold()  # noqa: E731
    return squash(markdown).startswith(squash(text)) if prefix else squash(markdown) == squash(text)


def clean_body(body: etree._Element, found: Imported) -> None:
    """Cut portal furniture out of the body: lines of toolbars and counters, and SharePoint's field list."""
    for element in list(body.iter("p", "div", "span", "li", "h2", "h3", "h4", "td", "a")):
        text = " ".join(element.text_content().split())
        if element.getparent() is None:
            continue
        if any(text.startswith(marker) for marker in FIELD_LIST):
            for later in list(element.itersiblings()):
                later.drop_tree()
            element.drop_tree()
        elif text and is_furniture(text) and len(text) < 80:
            element.drop_tree()
    for caption in body.xpath(".//figcaption"):
        caption.drop_tree()


def take_image(found: Imported, image: etree._Element, source: Path, mirror: Path | None) -> None:
    """Make an <img> the lead photo: its file in the saved copy, alt text and caption."""
    src = image.get("src") or ""
    if not src:
        return
    file = saved_file(src, source, mirror)
    found.image_alt = " ".join((image.get("alt") or "").split())
    figure = next(image.iterancestors("figure"), None)
    caption = figure.find(".//figcaption") if figure is not None else None
    holder = image.getparent()
    if caption is None and holder is not None:  # a portal's caption: an element beside the image, classed so
        caption = next(iter(holder.xpath(".//*[contains(@class,'caption') or contains(@class,'desc')]")), None)
    if caption is not None:
        found.image_caption = " ".join(caption.text_content().split())
        if figure is None:
            caption.drop_tree()
    if file is None:
        found.missing.append(unquote(src))
        return
    found.image = file
    found.files[file.name] = file
    if not found.image_alt:
        found.image_alt = found.image_caption or ""
        found.notes.append("ảnh đại diện không có lời mô tả (image_alt): " + ("lấy chú thích ảnh" if found.image_alt else "cần viết"))


def saved_file(reference: str, source: Path, mirror: Path | None) -> Path | None:
    """Find the file a page's src or href names in the saved copy: beside the page, or under the mirror's root."""
    parts = urlsplit(reference)
    if parts.scheme in ("data", "mailto", "javascript", "tel"):
        return None
    path = unquote(parts.path)
    candidates = []
    if path.startswith("/") or parts.scheme:
        roots = [mirror] if mirror else []
        roots += list(source.parents)[:6]
        candidates = [root / path.lstrip("/") for root in roots]
        if parts.netloc:
            candidates += [root / parts.netloc / path.lstrip("/") for root in roots]
    else:
        candidates = [source.parent / path]
    return next((c.resolve() for c in candidates if c.is_file()), None)


def relink(body: etree._Element, found: Imported, source: Path, url_base: str, mirror: Path | None) -> None:
    """Point the body's images and attachments at files copied beside the article, and its other links at the old site."""
    for image in body.iter("img"):
        file = saved_file(image.get("src") or "", source, mirror)
        if file is None:
            found.missing.append(unquote(image.get("src") or ""))
            image.drop_tree()
            continue
        found.files[file.name] = file
        image.set("src", file.name)
        if not image.get("alt"):
            image.set("alt", "Ảnh minh họa")
            found.notes.append(f"ảnh {file.name} trong bài không có lời mô tả: tạm ghi “Ảnh minh họa”")
    for link in body.iter("a"):
        href = link.get("href") or ""
        parts = urlsplit(href)
        if not href or href.startswith("#") or parts.scheme in ("mailto", "tel"):
            continue
        if ATTACHMENT.search(parts.path) and (file := saved_file(href, source, mirror)) is not None:
            found.files[file.name] = file
            link.set("href", file.name)
        elif parts.scheme in ("http", "https"):
            continue
        elif url_base:
            link.set("href", urljoin(url_base.rstrip("/") + "/" + posixpath.dirname(found.old_url.lstrip("/")) + "/", href))
        else:
            if ATTACHMENT.search(parts.path):
                found.missing.append(unquote(href))
            link.drop_tag()  # a link into the old portal: the text stays, the dead link goes


def old_url(tree: etree._Element, source: Path, url_base: str, mirror: Path | None) -> str:
    """Find the page's address on the old portal (as a path, for `aliases`)."""
    for path in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in tree.xpath(path):
            if (found := urlsplit(value.strip())).path:
                return found.path + (f"?{found.query}" if found.query else "")
    if mirror is not None and source.is_relative_to(mirror):
        relative = source.relative_to(mirror).as_posix()
        host, _, rest = relative.partition("/")
        return "/" + (rest if "." in host and rest else relative)  # wget --mirror: the host's folder, then the path
    if url_base:
        return urlsplit(url_base).path.rstrip("/") + "/" + source.name
    return ""
