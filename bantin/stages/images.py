"""Read the pixel size of an image from its first bytes, so pages reserve its space."""

from __future__ import annotations

import re
import struct
from pathlib import Path


def image_size(file: Path) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, GIF, JPEG, WebP or SVG file, or None if unknown."""
    try:
        with file.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return None
    for reader in (png_size, gif_size, webp_size, jpeg_size, svg_size):
        if size := reader(head):
            return size
    return None


def png_size(head: bytes) -> tuple[int, int] | None:
    """Read a PNG header."""
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    return None


def gif_size(head: bytes) -> tuple[int, int] | None:
    """Read a GIF header."""
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return struct.unpack("<HH", head[6:10])
    return None


def webp_size(head: bytes) -> tuple[int, int] | None:
    """Read a lossy or lossless WebP header."""
    if head[:4] != b"RIFF" or head[8:12] != b"WEBP" or len(head) < 30:
        return None
    if head[12:16] == b"VP8 ":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if head[12:16] == b"VP8L":
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def jpeg_size(head: bytes) -> tuple[int, int] | None:
    """Walk JPEG markers to the start-of-frame segment."""
    if head[:2] != b"\xff\xd8":
        return None
    index = 2
    while index + 9 < len(head):
        if head[index] != 0xFF:
            return None
        marker, length = head[index + 1], struct.unpack(">H", head[index + 2:index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", head[index + 5:index + 9])
            return width, height
        index += 2 + length
    return None


def svg_size(head: bytes) -> tuple[int, int] | None:
    """Read width and height (or the viewBox) of an SVG root element."""
    match = re.search(rb"<svg\b[^>]*>", head)
    if not match:
        return None
    tag = match.group().decode("utf-8", "replace")
    width, height = (re.search(rf'\b{n}="(\d+(?:\.\d+)?)(?:px)?"', tag) for n in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = re.search(r'viewBox="[\d.\-]+[ ,]+[\d.\-]+[ ,]+([\d.]+)[ ,]+([\d.]+)"', tag)
    return (round(float(box.group(1))), round(float(box.group(2)))) if box else None
