"""Work out where the `bantin:` references left by the Markdown stage point, checking each exists."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from .content import Article
from .images import image_size
from .model import FileLink, Picture
from ..problems import Problem
from .references import LOCAL_IMAGE, Resolved, decoded, encoded, local_references

FORMATS = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".xls": "Excel", ".xlsx": "Excel", ".odt": "ODT", ".zip": "ZIP"}


@dataclass(frozen=True)
class Targets:
    """Every place a local reference may point: article and page URLs, and asset files."""

    urls: dict[str, str]
    assets: dict[str, Path]
    hidden: frozenset[str]
    base_path: str
    broken: frozenset[str] = frozenset()  # files that exist but could not be read: their own errors explain a link to them

    def url(self, target: str) -> str | None:
        """Return the site-relative URL for a content path, or None if nothing is there."""
        if target in self.urls:
            return self.urls[target]
        return "/" + encoded(target) if target in self.assets else None

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
        if targets.url(ref.target) is None and ref.target not in targets.broken:
            problems.append(missing(article.path, ref.line, ref.target, ref.target in targets.hidden))
    html = article.body_html
    if "bantin:" not in html:
        return ()
    images = {decoded(match[2]) for match in LOCAL_IMAGE.finditer(html)} if "<img " in html else set()
    sized = {target: image_size(targets.assets[target]) for target in images if target in targets.assets}
    return tuple((target, targets.public(target), sized.get(target)) for target in dict.fromkeys(local_references(html)))


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
    size = image_size(targets.assets[article.image]) if article.image in targets.assets else None
    width, height = size if size else (None, None)
    return Picture(url, article.image_alt, article.image_caption, width, height)


def attachment_links(article: Article, targets: Targets, problems: list[Problem]) -> tuple[FileLink, ...]:
    """Resolve the attachments of an article, with their format and size."""
    links = []
    for attachment in article.attachments:
        file = targets.assets.get(attachment.path)
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
