"""Work out where the `bantin:` references left by the Markdown stage point, checking each exists."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from .content import Article
from .discover import SourceFile
from .images import RASTER, ImageFault, ImageSettings, ImageVariant, Responsive, inspect_image, plan_variants, responsive
from .model import FileLink, Picture, has_own_error
from ..problems import Problem
from .references import LOCAL_IMAGE, Resolved, content_path, linked_targets, url_path, local_references

FORMATS = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".xls": "Excel", ".xlsx": "Excel", ".odt": "ODT", ".zip": "ZIP"}


class Pictures:
    """Every image the site's articles show: each read once, its variants planned once, its faults told per use."""

    def __init__(self, files: dict[str, SourceFile], settings: ImageSettings) -> None:
        self.files, self.settings = files, settings
        self.found: dict[str, tuple[tuple[int, int] | None, tuple[ImageVariant, ...], ImageFault | None]] = {}
        self.linked: set[str] = set()  # images also linked to as files (or attached): their originals are published

    def shown(self, target: str, where: tuple[str, int]) -> tuple[tuple[int, int] | None, tuple[ImageVariant, ...], ImageFault | None]:
        """Return an image's size as shown, its planned variants (none for SVG or animations), or what is wrong with it."""
        if target not in self.found:
            source = self.files[target]
            try:
                facts = inspect_image(source.file)
            except ImageFault as fault:
                self.found[target] = (None, (), fault)
            else:
                variants = plan_variants(target, source.file, source.size, source.mtime_ns, facts, self.settings, where)
                self.found[target] = ((facts.width, facts.height) if facts.width else None, variants, None)
        return self.found[target]

    def variants(self) -> tuple[ImageVariant, ...]:
        """List the variants of every image shown, in a stable order."""
        return tuple(v for target in sorted(self.found) for v in self.found[target][1])

    def replaced(self) -> frozenset[str]:
        """Name the originals that variants replace: shown as images, not linked to, and the site keeps no originals."""
        if self.settings.originals:
            return frozenset()
        return frozenset(t for t, (_, variants, _) in self.found.items() if variants) - self.linked


@dataclass(frozen=True)
class Targets:
    """Every place a local reference may point: article and page URLs, and asset files."""

    urls: dict[str, str]
    assets: dict[str, Path]
    hidden: frozenset[str]
    base_path: str
    broken: frozenset[str] = frozenset()  # files that exist but could not be read: their own errors explain a link to them
    pictures: Pictures | None = None

    def picture(self, target: str, path: str, line: int, problems: list[Problem]) -> tuple[tuple[int, int] | None, Responsive | None]:
        """Return a shown image's size and variants (site-relative), reporting a fault at the article's line."""
        if self.pictures is None or not target.lower().endswith((*RASTER, ".svg")):
            return None, None
        size, variants, fault = self.pictures.shown(target, (f"content/{path}", line))
        if fault is not None:
            problems.append(Problem(f"content/{path}", line, fault.message, fault.hint))
        return size, responsive(variants, lambda output: "/" + url_path(output)) if variants else None

    def url(self, target: str) -> str | None:
        """Return the site-relative URL for a content path, or None if nothing is there."""
        if target in self.urls:
            return self.urls[target]
        return "/" + url_path(target) if target in self.assets else None

    def public(self, target: str) -> str:
        """Return the URL as a browser needs it, under the deploy sub-path."""
        url = self.url(target)
        return self.base_path + url.lstrip("/") if url else "#"


def body_links(article: Article, targets: Targets, problems: list[Problem]) -> Resolved:
    """Report an article's broken references; return where each reference in its body points, with image sizes.

    The body itself is left as parsed (see resolved_body): a resolved copy of every body would
    double what a 10,000-article build holds in memory.
    """
    for ref in article.refs:
        if targets.url(ref.target) is None and not has_own_error(ref.target, targets.broken):
            problems.append(missing(article.path, ref.line, ref.target, ref.target in targets.hidden))
    html = article.body_html
    if "bantin:" not in html:
        return ()
    images = {content_path(match[2]) for match in LOCAL_IMAGE.finditer(html)} if "<img " in html else set()
    lines = {ref.target: ref.line for ref in article.refs}
    shown: dict[str, tuple[int, int] | Responsive | None] = {}
    for target in images & targets.assets.keys():
        size, variants = targets.picture(target, article.path, lines.get(target, 0), problems)
        shown[target] = variants.under(targets.base_path) if variants else size
    if targets.pictures is not None:
        targets.pictures.linked.update(t for t in linked_targets(html) if t in targets.assets)
    return tuple((target, targets.public(target), shown.get(target)) for target in dict.fromkeys(local_references(html)))


def missing(path: str, line: int, target: str, hidden: bool) -> Problem:
    """Describe a reference to a file that does not exist or is not published."""
    if hidden:
        return Problem(f"content/{path}", line, f"Liên kết tới bài “{target}” chưa được đăng (bản nháp hoặc hẹn giờ).",
                       "Đăng bài đó trước, hoặc bỏ liên kết.", severity="warning")
    return Problem(f"content/{path}", line, f"Không tìm thấy tệp “{target}” mà bài viết liên kết tới.",
                   "Kiểm tra tên tệp (cả chữ hoa, chữ thường) và đường dẫn tương đối tính từ bài viết.")


def lead_picture(article: Article, targets: Targets, problems: list[Problem]) -> Picture | None:
    """Resolve the lead photo of an article."""
    if not article.image:
        return None
    url = targets.url(article.image)
    if url is None:
        problems.append(Problem(f"content/{article.path}", article.line_of("image"), f"Không tìm thấy ảnh “{article.image}”.",
                                "Chép ảnh vào cạnh bài viết và ghi đúng tên tệp ở trường image."))
        return None
    size, variants = targets.picture(article.image, article.path, article.line_of("image"), problems) \
        if article.image in targets.assets else (None, None)
    width, height = size if size else (None, None)
    return Picture(variants.src(1200).url if variants else url, article.image_alt, article.image_caption, width, height, variants)


def attachment_links(article: Article, targets: Targets, problems: list[Problem]) -> tuple[FileLink, ...]:
    """Resolve the attachments of an article, with their format and size."""
    links = []
    for attachment in article.attachments:
        file = targets.assets.get(attachment.path)
        if targets.pictures is not None:
            targets.pictures.linked.add(attachment.path)
        if file is None:
            problems.append(Problem(f"content/{article.path}", article.line_of("attachments"),
                                    f"Không tìm thấy tệp đính kèm “{attachment.path}”.", "Chép tệp vào cạnh bài viết và ghi đúng tên tệp."))
            continue
        extension = posixpath.splitext(attachment.path)[1].lower()
        title = attachment.title or posixpath.basename(attachment.path)
        links.append(FileLink(targets.url(attachment.path) or "#", title, FORMATS.get(extension, extension[1:].upper()), human_size(file.stat().st_size)))
    return tuple(links)


def human_size(size: int) -> str:
    """Format a byte count the Vietnamese way ("1,2 MB")."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} byte"
