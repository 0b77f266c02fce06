"""Turn an article body written in Markdown into safe HTML, noting every local link it makes."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any, Callable, Protocol
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .references import url_path
from ..problems import Problem
from .slugs import slugify as library_slugify

LOCAL_SCHEME = "bantin:"
EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "abbr", "fenced_code", "sane_lists", "smarty", "toc"]
INTERVIEWER_LABELS = ("BTV", "PV", "Phóng viên")
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "rel"}, "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "style"}, "th": {"colspan", "rowspan", "scope", "style"}, "ol": {"start", "type"},
}
FIRST_PARAGRAPH = re.compile(r"<p(?: [^>]*)?>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
URL_SCHEMES = {"http", "https", "mailto", "tel", "bantin"}
PLAIN_SCHEMES = URL_SCHEMES - {LOCAL_SCHEME.rstrip(":")} | {""}  # what editors link to; "" for a relative link
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "cite", "srcset"}
URL_ATTRIBUTE_NAMES = tuple(sorted(URL_ATTRIBUTES))
UNSAFE_TAGS = {"script", "iframe", "object", "embed", "applet", "frame", "frameset", "style", "link", "meta", "base",
               "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript"}
FENCE_WITH_ATTRIBUTES = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[^\n]*\{[^\n]*$", re.M)
PLAIN_URL = re.compile(r"[^\s&<>\"']+")  # printed as they are by both serialisers
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
SPACES_AND_CONTROLS = re.compile(r"[\x00-\x20]")  # a browser ignores them inside a URL scheme
UNSAFE_TAG = re.compile("<(?:" + "|".join(sorted(UNSAFE_TAGS)) + ")", re.I)
HANDLER = re.compile(r"""[\s'"/]on""", re.I)  # HTML reads an attribute name only after a space, quote or slash
ODD_VALUE = re.compile(r"""=\s*(?!["'](?:#|(?:""" + "|".join(sorted(URL_SCHEMES)) + "):))")  # a value not opening with a fragment or allowed scheme


@dataclass(frozen=True)
class LocalRef:
    """A link or image in the body that points at another file in `content/`."""

    target: str
    line: int
    kind: str


@dataclass
class Rendered:
    """The HTML of one body and what we learned while making it."""

    html: str
    lead_text: str
    interview: bool
    refs: list[LocalRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class BodyProcessor(Treeprocessor):
    """Make figures, mark interviews and point local links at their files."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.context: Rendered | None = None
        self.source_path = ""
        self.body = ""
        self.body_line = 1

    def run(self, root: etree.Element) -> None:
        """Apply every rewrite to the parsed document."""
        assert self.context is not None
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    self.check_image(child)
                    self.localise(child, "src", "image")
                    child.set("loading", "lazy")  # body images sit below the lead, so defer them
                elif child.tag == "a":
                    self.localise(child, "href", "link")
        make_figures(root)
        for heading in root.iter("h1"):
            heading.tag = "h2"  # the page title is the only h1
        self.context.interview = mark_interview(root)

    def line_of(self, needle: str) -> int:
        """Find the file line where `needle` first appears in the body."""
        return line_in(self.body, self.body_line, needle)

    def check_image(self, image: etree.Element) -> None:
        """Require alt text on every content image."""
        if not (image.get("alt") or "").strip():
            self.context.problems.append(Problem(
                self.source_path, self.line_of(image.get("src", "")), f"Ảnh “{image.get('src', '')}” thiếu lời mô tả (alt).",
                "Viết mô tả ngắn trong ngoặc vuông: ![Mô tả nội dung ảnh](anh.png)"))

    def localise(self, element: etree.Element, attribute: str, kind: str) -> None:
        """Point a relative URL at its file through a `bantin:` reference."""
        url = element.get(attribute, "")
        local = localise(url, kind, self.source_path, self.body, self.body_line, self.context)
        if local != url:
            element.set(attribute, local)


def line_in(body: str, body_line: int, needle: str) -> int:
    """Find the file line where `needle` first appears in a body that starts at `body_line`."""
    index = body.find(needle)
    return body_line + body.count("\n", 0, index) if index >= 0 else body_line


def localise(url: str, kind: str, source_path: str, body: str, body_line: int, context: Rendered) -> str:
    """Return a relative URL as a `bantin:` reference, noting it (or its problem) in `context`; others unchanged."""
    parts = urlsplit(url)
    if not url or parts.scheme or parts.netloc or url.startswith("#"):
        return url
    line = line_in(body, body_line, url)
    if url.startswith("/"):
        context.problems.append(Problem(source_path, line, f"Đường dẫn “{url}” bắt đầu bằng /.",
                                        "Viết đường dẫn tương đối tính từ tệp bài viết, ví dụ: ../xay-dung-dang/bai-khac.md"))
        return url
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), unquote(parts.path)))
    if target.startswith("../") or target == "..":
        context.problems.append(Problem(source_path, line, f"Đường dẫn “{url}” trỏ ra ngoài thư mục content/.",
                                        "Chép tệp vào trong content/ rồi trỏ tới nó."))
        return url
    context.refs.append(LocalRef(target, line, kind))
    return LOCAL_SCHEME + url_path(target) + (f"#{parts.fragment}" if parts.fragment else "")


def make_figures(root: etree.Element) -> None:
    """Turn a paragraph holding only a titled image into <figure> with <figcaption>."""
    for paragraph in root.iter("p"):
        children = list(paragraph)
        if len(children) != 1 or children[0].tag != "img" or (paragraph.text or "").strip() or (children[0].tail or "").strip():
            continue
        image = children[0]
        caption = image.attrib.pop("title", None)
        if caption is None:
            continue
        paragraph.tag, paragraph.text = "figure", None
        image.tail = None
        etree.SubElement(paragraph, "figcaption").text = caption


def speaker(paragraph: etree.Element) -> str | None:
    """Return the bold label that opens a paragraph ("BTV"), if any."""
    children = list(paragraph)
    if (paragraph.text or "").strip() or not children or children[0].tag != "strong":
        return None
    label = "".join(children[0].itertext()).strip()
    return label[:-1].strip() if label.endswith(":") else None


def mark_interview(root: etree.Element) -> bool:
    """Class question and answer paragraphs when the body is an interview."""
    paragraphs = [p for p in root if p.tag == "p"]
    if not any(speaker(p) in INTERVIEWER_LABELS for p in paragraphs):
        return False
    role = None
    for element in root:
        label = speaker(element) if element.tag == "p" else None
        if label is not None:
            role = "qa-question" if label in INTERVIEWER_LABELS else "qa-answer"
            list(element)[0].set("class", "qa-speaker")
        if role and element.tag == "p":
            element.set("class", role)
        elif element.tag.startswith("h"):
            role = None
    return True


def first_paragraph_text(html: str) -> str:
    """Return the plain text of the first paragraph, for the default summary."""
    match = FIRST_PARAGRAPH.search(html)
    return " ".join(unescape(TAG.sub("", match.group(1))).split()) if match else ""


Slugify = Callable[..., str]


class Shortcut(Protocol):
    """A quicker way to write some bodies, byte for byte as the Converter would (see bantin.speed.plain)."""

    def write(self, body: str, href: Callable[[str], str | None]) -> tuple[str, bool] | None:
        """Return a body's HTML and whether it is an interview, or None to leave it to Python-Markdown."""


ShortcutMaker = Callable[[Callable[[str, str], str], tuple[str, ...]], Shortcut]


class EngineShape(Protocol):
    """What one body can use of Python-Markdown, so an engine without the rest converts it the same (see bantin.speed.narrowing)."""

    def configs(self, configs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Return the extensions' settings for an engine of this shape, given the full engine's."""

    def narrow(self, md: markdown.Markdown) -> None:
        """Leave out of a new engine what this shape cannot use."""


Narrowing = Callable[[str], EngineShape]
ENGINES_KEPT = 64  # engines of different shapes a process keeps (each takes a few milliseconds to build)


class Converter:
    """Reusable Markdown engines, reset between documents.

    `slugify` makes heading ids (and article slugs, see content.make_slug); `shortcut`, if
    given, makes a writer that takes some bodies a quicker way to the same HTML; `narrowing`,
    if given, shapes each body, and the body is converted by an engine of its shape.
    """

    def __init__(self, trust_html: bool, slugify: Slugify = library_slugify, shortcut: ShortcutMaker | None = None,
                 narrowing: Narrowing | None = None) -> None:
        self.trust_html, self.slugify, self.narrowing = trust_html, slugify, narrowing
        self.configs: dict[str, dict[str, Any]] = {
            "toc": {"slugify": self.heading_slug, "permalink": False},
            "smarty": {"smart_angled_quotes": False},
            "footnotes": {"BACKLINK_TITLE": "Quay lại đoạn văn %d"},
        }
        self.engines: dict[EngineShape | None, tuple[markdown.Markdown, BodyProcessor]] = {}
        self.shortcut = shortcut(self.heading_slug, INTERVIEWER_LABELS) if shortcut else None

    def engine(self, body: str) -> tuple[markdown.Markdown, BodyProcessor]:
        """Return the engine for a body: the full one, or one of the body's shape."""
        shape = self.narrowing(body) if self.narrowing else None
        engine = self.engines.get(shape)
        if engine is None:
            if len(self.engines) >= ENGINES_KEPT:
                del self.engines[next(iter(self.engines))]  # the oldest shape met
            configs = self.configs if shape is None else shape.configs(self.configs)
            md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=configs)
            processor = BodyProcessor(md)
            md.treeprocessors.register(processor, "bantin-body", 1)
            if shape is not None:
                shape.narrow(md)
            engine = self.engines[shape] = (md, processor)
        return engine

    def heading_slug(self, value: str, separator: str) -> str:
        """Make a heading's id from its text (Vietnamese tones dropped, đ as d)."""
        return self.slugify(value, separator=separator) or "muc"

    def convert(self, body: str, source_path: str, body_line: int) -> Rendered:
        """Convert one body to safe HTML: the shortcut's way when it takes the body, else through Python-Markdown."""
        return self.convert_plain(body, source_path, body_line) or self.convert_markdown(body, source_path, body_line)

    def convert_plain(self, body: str, source_path: str, body_line: int) -> Rendered | None:
        """Convert a body the shortcut takes; None for any other (or when there is no shortcut)."""
        if self.shortcut is None:
            return None
        context = Rendered(html="", lead_text="", interview=False)

        def href(url: str) -> str | None:
            """Give a link's URL as the full engine and the sanitiser would leave it; None when unsure."""
            if url.startswith("/") or url_scheme(url) not in PLAIN_SCHEMES:
                return None
            local = localise(url, "link", source_path, body, body_line, context)
            return local if PLAIN_URL.fullmatch(local) and local.isprintable() else None
        written = self.shortcut.write(body, href)
        if written is None:
            return None
        context.html, context.interview = written
        context.lead_text = first_paragraph_text(context.html)
        return context

    def convert_markdown(self, body: str, source_path: str, body_line: int) -> Rendered:
        """Convert any body through Python-Markdown, sanitising raw HTML unless the site trusts it."""
        context = Rendered(html="", lead_text="", interview=False)
        md, processor = self.engine(body)
        processor.context, processor.source_path = context, source_path
        processor.body, processor.body_line = body, body_line
        try:
            html = md.reset().convert(body)
        except Exception as error:  # noqa: BLE001 - Python-Markdown itself fails on some input (fenced-code attributes)
            context.problems.append(engine_failure(error, body, source_path, body_line))
            return context
        context.html = html if self.trust_html else self.sanitise(html, body, source_path, body_line, context)
        context.lead_text = first_paragraph_text(context.html)
        return context

    def sanitise(self, html: str, body: str, path: str, body_line: int, context: Rendered) -> str:
        """Strip scripts, handlers and embeds from raw HTML, warning about each where it was written."""
        cursor = 0
        for label, needle in find_unsafe(html):
            found = re.compile(re.escape(needle), re.I)
            match = found.search(body, cursor) or found.search(body)
            cursor = match.end() if match else cursor
            line = body_line + body.count("\n", 0, match.start()) if match else body_line
            context.problems.append(Problem(path, line, f"Đã loại bỏ mã HTML không an toàn “{label}”.",
                                            "Bỏ đoạn mã này khỏi bài, hoặc đặt trust_html = true trong site.toml nếu bạn tin nguồn.",
                                            severity="warning"))
        return CLEANER.clean(html)


def engine_failure(error: Exception, body: str, path: str, body_line: int) -> Problem:
    """Explain a body that Python-Markdown could not convert, at the line most likely to blame."""
    fence = FENCE_WITH_ATTRIBUTES.search(body)
    if fence:
        return Problem(path, body_line + body.count("\n", 0, fence.start()),
                       "Khối mã (```) có phần thuộc tính trong ngoặc nhọn {…} mà bộ chuyển Markdown không đọc được.",
                       "Chỉ ghi tên ngôn ngữ sau ```, ví dụ: ```python (bỏ phần {…}).")
    return Problem(path, body_line, f"Bộ chuyển Markdown không đọc được nội dung bài ({type(error).__name__}: {error}).",
                   "Tìm đoạn có cú pháp lạ (khối mã, bảng, chú thích) và viết lại đơn giản hơn.")


def find_unsafe(html: str) -> list[tuple[str, str]]:
    """List what the sanitiser will remove, as (label, text to find in the source); parse only HTML that may hold some."""
    if not may_be_unsafe(html):
        return []
    finder = UnsafeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def may_be_unsafe(html: str) -> bool:
    """Tell whether UnsafeFinder could find anything in this HTML (cheaply, erring towards yes)."""
    if UNSAFE_TAG.search(html) or HANDLER.search(html):
        return True
    for match in ODD_VALUE.finditer(html):  # a value that does not open with an allowed scheme: whose is it?
        end = match.start()
        while end and html[end - 1].isspace():
            end -= 1
        if html[max(0, end - 10):end].lower().endswith(URL_ATTRIBUTE_NAMES):
            return True
    return False


class UnsafeFinder(HTMLParser):
    """Find what the sanitiser will remove for safety: dangerous tags, event handlers, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note an unsafe element and each unsafe attribute, in the order they were written."""
        if tag in UNSAFE_TAGS:
            self.found.append((f"<{tag}>", f"<{tag}"))
        for name, value in attrs:
            scheme = url_scheme(value or "") if name in URL_ATTRIBUTES else ""
            if name.startswith("on"):
                self.found.append((f"{name}=", name))
            elif scheme and scheme not in URL_SCHEMES:
                self.found.append((f"{scheme}:", scheme))

    handle_startendtag = handle_starttag


def url_scheme(url: str) -> str:
    """Return a URL's scheme as a browser reads it (ignoring spaces and controls inside it), lower-cased."""
    match = SCHEME.match(SPACES_AND_CONTROLS.sub("", url))
    return match.group(1).lower() if match else ""


CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None, url_schemes=URL_SCHEMES,
                      strip_comments=True, filter_style_properties={"text-align"})
