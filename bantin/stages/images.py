"""Photos sized for readers: read each image with Pillow, plan the sizes it is served in, encode each.

Assembly reads an image's header (`inspect_image`) and plans its variants (`plan_variants`):
a few widths, never wider than the original, each in WebP (AVIF too if the site asks) with a
JPEG or PNG fallback. Every variant is an `ImageVariant` output, declared with the rest of
the site (outputs.py) and encoded when the render stage makes it (`Encoder`).

What a published variant keeps of its original: the pixels, turned the right way up, and the
colour profile. Nothing else: EXIF (GPS position, camera serial number, dates), XMP and
comments are never written, because Pillow writes only the metadata it is handed.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError

RASTER = (".jpg", ".jpeg", ".png", ".webp", ".gif")  # served as variants when an article shows them as images
PILLOW_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "MPO": ".jpg"}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
SUFFIX = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MAX_PIXELS = 100_000_000  # a 100-megapixel photo decodes to 300 MB; more is a decompression bomb, not a photo
GRAPHIC_PIXELS = 2_000_000  # an RGB PNG up to this size is a chart, a logo or a screenshot: kept lossless
ORIENTATION = 0x0112
TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
ENCODER_VERSION = "2"  # bump when encode() changes what it writes, so kept variants are made again
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, which refuses twice this before decoding


@dataclass(frozen=True)
class ImageSettings:
    """How photos are served ([images] in site.toml)."""

    widths: tuple[int, ...] = (480, 800, 1200, 1600)  # the widest is the cap
    webp_quality: int = 74
    jpeg_quality: int = 80
    avif: bool = False
    avif_quality: int = 55
    originals: bool = False  # publish the original file beside its variants


@dataclass(frozen=True)
class ImageFacts:
    """What an image's header says: its size as shown (orientation applied) and what kind of picture it is."""

    width: int
    height: int
    kind: str  # "photo" (lossy variants), "graphic" (lossless), "animated" or "vector" (published as they are)


class ImageFault(Exception):
    """An image that cannot be served: what is wrong, and what the editor can do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class ImageVariant:
    """One published size and format of an image, made from `source` as its size and time say."""

    output: str
    source: str
    size: int
    mtime_ns: int
    width: int
    height: int
    format: str  # "avif", "webp", "jpeg" or "png"
    quality: int  # 0: lossless
    decode_width: int  # the widest variant of this image: every variant is drawn from one decode at this width
    shown: str  # "content/tin-tuc/anh.jpg", for messages
    steps: tuple[tuple[int, int], ...] = ()  # the sizes it is scaled through, widest first, ending with its own
    shown_in: tuple[str, int] = ("", 0)  # the first article (and line) that shows it, for messages


@dataclass(frozen=True)
class Variant:
    """A variant as a page links to it: its URL (site-relative), width, height and type."""

    url: str
    width: int
    height: int
    mime: str


@dataclass(frozen=True)
class Responsive:
    """Every variant of one image, the widest fallback last; `width` and `height` are the widest's."""

    variants: tuple[Variant, ...]

    @property
    def fallback(self) -> tuple[Variant, ...]:
        """Return the variants every browser shows (JPEG or PNG), narrowest first."""
        return tuple(v for v in self.variants if v.mime == self.variants[-1].mime)

    @property
    def width(self) -> int:
        """Return the widest variant's width."""
        return self.variants[-1].width

    @property
    def height(self) -> int:
        """Return the widest variant's height."""
        return self.variants[-1].height

    def under(self, base_path: str) -> Responsive:
        """Return the same variants with URLs under the deploy sub-path, as a body's HTML needs them."""
        return Responsive(tuple(Variant(base_path + v.url.lstrip("/"), v.width, v.height, v.mime) for v in self.variants))

    def source_sets(self, prefix: str = "") -> tuple[tuple[str, str], ...]:
        """List (type, srcset) for each format, modern first, with `prefix` before each URL."""
        mimes = dict.fromkeys(v.mime for v in self.variants)
        url = (lambda v: prefix + v.url.lstrip("/")) if prefix else (lambda v: v.url)
        return tuple((mime, ", ".join(f"{url(v)} {v.width}w" for v in self.variants if v.mime == mime)) for mime in mimes)

    def src(self, near: int = 800) -> Variant:
        """Return the fallback variant to put in src: the narrowest at least `near` wide, else the widest."""
        return next((v for v in self.fallback if v.width >= near), self.fallback[-1])


def inspect_image(file: Path) -> ImageFacts:
    """Read an image's size and kind from its header; raise ImageFault for what cannot be served."""
    extension = file.suffix.lower()
    if extension == ".svg":
        with file.open("rb") as handle:
            size = svg_size(handle.read(65536))
        return ImageFacts(*(size or (0, 0)), "vector")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return facts_of(image, file.name, extension)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big(file.name) from None
    except UnidentifiedImageError:
        raise ImageFault(f"Tệp “{file.name}” không phải là ảnh, hoặc đã hỏng.",
                         "Mở tệp trên máy: nếu không xem được, chép lại ảnh gốc; nếu là tệp khác, đổi đuôi tên cho đúng.") from None
    except (OSError, ValueError, SyntaxError) as error:  # Pillow's plugins raise all three for a damaged header
        raise damaged(file.name, error) from None


def facts_of(image: Image.Image, name: str, extension: str) -> ImageFacts:
    """Describe an opened image, refusing a lying extension and a bomb."""
    found = "JPEG" if image.format == "MPO" else image.format  # a phone's JPEG with a depth map is still a JPEG
    if PILLOW_FORMATS.get(extension) != found:
        proper = EXTENSIONS.get(found or "", "")
        raise ImageFault(f"Tệp “{name}” mang đuôi {extension} nhưng thực ra là ảnh {found}.",
                         f"Đổi tên tệp thành “{Path(name).stem}{proper}” và sửa tên đó trong bài." if proper else
                         "Lưu lại ảnh dưới dạng JPEG hoặc PNG.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise too_big(name)
    if image.getexif().get(ORIENTATION, 1) in TURNED:
        width, height = height, width
    return ImageFacts(width, height, kind_of(image))


def kind_of(image: Image.Image) -> str:
    """Say whether an image is a photo (served lossy), a graphic (lossless) or an animation (as it is)."""
    if getattr(image, "n_frames", 1) > 1:
        return "animated"
    if image.format in ("JPEG", "MPO") or (image.format == "WEBP" and image.mode == "RGB"):
        return "photo"
    if image.mode in ("RGB", "I;16", "I") and image.width * image.height > GRAPHIC_PIXELS:
        return "photo"  # a camera photo saved as PNG: served as JPEG, or it would weigh megabytes
    return "graphic"


def too_big(name: str) -> ImageFault:
    """Describe an image too large to decode safely."""
    return ImageFault(f"Ảnh “{name}” quá lớn (hơn {MAX_PIXELS // 1_000_000} triệu điểm ảnh) để xử lý an toàn.",
                      "Thu nhỏ ảnh (chiều rộng 4000 điểm ảnh là đủ) rồi chép lại.")


def damaged(name: str, error: BaseException) -> ImageFault:
    """Describe an image whose data cannot be read: the system refused (discovery has refused unreadable files), or damaged."""
    if isinstance(error, OSError) and error.errno is not None:
        return ImageFault(f"Không đọc được ảnh “{name}” ({error.strerror}).",
                          "Kiểm tra tệp còn đó và đọc được, rồi dựng lại.")
    return ImageFault(f"Ảnh “{name}” bị hỏng hoặc chép chưa hết, không đọc được ({error}).",
                      "Chép lại ảnh từ máy ảnh hoặc điện thoại, rồi dựng lại.")


def plan_variants(path: str, file: Path, size: int, mtime_ns: int, facts: ImageFacts,
                  settings: ImageSettings, shown_in: tuple[str, int] = ("", 0)) -> tuple[ImageVariant, ...]:
    """Plan the variants of a photo or graphic at `path`: each width up to the original's, in each format."""
    if facts.kind not in ("photo", "graphic") or facts.width < 1:
        return ()
    cap = max(settings.widths)
    widths = sorted({w for w in settings.widths if w < facts.width} | {min(facts.width, cap)})
    formats = (["avif"] if settings.avif else []) + ["webp", "jpeg" if facts.kind == "photo" else "png"]
    quality = {"avif": settings.avif_quality, "webp": settings.webp_quality if facts.kind == "photo" else 0,
               "jpeg": settings.jpeg_quality, "png": 0}
    stem = path.rsplit(".", 1)[0]
    sizes = [(width, max(1, round(facts.height * width / facts.width))) for width in reversed(widths)]
    return tuple(ImageVariant(f"{stem}.{width}.{SUFFIX[kind]}", str(file), size, mtime_ns, width, height, kind, quality[kind],
                              widths[-1], f"content/{path}", shown_in=shown_in, steps=tuple(sizes[:index + 1]))
                 for kind in formats for index, (width, height) in enumerate(sizes))


def responsive(variants: tuple[ImageVariant, ...], url_of: "UrlOf") -> Responsive:
    """Describe planned variants as pages link to them: by format as planned (modern first), each narrowest first."""
    formats = list(dict.fromkeys(v.format for v in variants))
    ordered = sorted(variants, key=lambda v: (formats.index(v.format), v.width))
    return Responsive(tuple(Variant(url_of(v.output), v.width, v.height, MIME[v.format]) for v in ordered))


class UrlOf(Protocol):
    """Turn an output path into a site-relative URL."""

    def __call__(self, output: str) -> str: ...


# ----------------------------------------------------------------------------- encoding

class KeptVariants(Protocol):
    """Where encoded variants are kept between builds, by what they are made from (bantin.speed gives one)."""

    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, data: bytes) -> None: ...


class Encoder:
    """Encode variants in one process, decoding each original once for all its variants."""

    def __init__(self, kept: KeptVariants | None = None) -> None:
        self.kept = kept
        self.last: tuple[tuple[str, int, int], Image.Image, bytes | None] | None = None  # variants of one image come together
        self.scaled: dict[tuple[int, int], Image.Image] = {}  # the last image's sizes made so far
        self.digests: dict[tuple[str, int, int], bytes] = {}  # each original read and digested once, not once per variant

    def make(self, variant: ImageVariant) -> bytes:
        """Return a variant's bytes, from the kept ones when an identical original was encoded so before."""
        if self.kept is None:
            return self.encode(variant)
        which = (variant.source, variant.size, variant.mtime_ns)
        if which not in self.digests:
            self.digests = {which: source_digest(Path(variant.source))}
        key = variant_key(variant, self.digests[which])
        data = self.kept.get(key)
        if data is None:
            data = self.encode(variant)
            self.kept.put(key, data)
        return data

    def encode(self, variant: ImageVariant) -> bytes:
        """Resize and encode one variant, with no metadata but the colour profile; raise ImageFault if it cannot."""
        try:
            image, profile = self.decoded(variant)
            for size in variant.steps or ((variant.width, variant.height),):
                # each size from the next wider one (the same steps, whichever process makes it): a fraction of the
                # time of each from the original, and the two formats of one size share it
                if size not in self.scaled:
                    self.scaled[size] = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
                image = self.scaled[size]
            return variant_bytes(image, variant, profile)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            raise damaged(Path(variant.shown).name, error) from None

    def decoded(self, variant: ImageVariant) -> tuple[Image.Image, bytes | None]:
        """Return the original, upright, in RGB or RGBA, at least as wide as its widest variant."""
        which = (variant.source, variant.size, variant.mtime_ns)
        if self.last and self.last[0] == which:
            return self.last[1], self.last[2]
        self.last, self.scaled = None, {}
        with Image.open(variant.source) as image:
            turned = image.getexif().get(ORIENTATION, 1) in TURNED
            height = max(1, round(variant.decode_width * image.height / image.width)) if not turned else \
                max(1, round(variant.decode_width * image.width / image.height))
            image.draft("RGB", (height, variant.decode_width) if turned else (variant.decode_width, height))
            profile = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
            upright = upright if upright is not None else image
            pixels = plain_pixels(upright)
        self.last = (which, pixels, profile)
        return pixels, profile


def plain_pixels(image: Image.Image) -> Image.Image:
    """Bring any mode Pillow reads (palette, CMYK, 16-bit grey, LA) to RGB or RGBA, loaded."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda value: value / 256).convert("L").convert("RGB")  # 16-bit grey: keep the top 8 bits
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if has_alpha else "RGB")


def variant_bytes(image: Image.Image, variant: ImageVariant, profile: bytes | None) -> bytes:
    """Write an image in the variant's format, with the colour profile and nothing else."""
    out = io.BytesIO()
    extra = {"icc_profile": profile} if profile else {}
    if variant.format == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=variant.quality, optimize=True, progressive=True, **extra)
    elif variant.format == "png":
        image.save(out, "PNG", optimize=True, **extra)
    elif variant.format == "webp":
        # method 4 squeezes the phone's sizes hardest; above 1000 px it takes three times method 2 for 3-8 % fewer bytes
        method = 4 if variant.width <= 1000 else 2
        options = {"lossless": True, "quality": 100, "method": method} if variant.quality == 0 else {"quality": variant.quality, "method": method}
        image.save(out, "WEBP", **options, **extra)
    else:
        image.save(out, "AVIF", quality=variant.quality, speed=8, **extra)
    return out.getvalue()


def source_digest(file: Path) -> bytes:
    """Digest an original's bytes."""
    return hashlib.blake2b(file.read_bytes(), digest_size=16).digest()


def variant_key(variant: ImageVariant, source: bytes) -> str:
    """Name what a variant is made from: the original's bytes (their digest, `source`), the variant's settings and the encoder."""
    digest = hashlib.blake2b(source, digest_size=16)
    digest.update(repr((variant.width, variant.height, variant.format, variant.quality, variant.decode_width,
                        ENCODER_VERSION, PIL.__version__)).encode())
    return f"{digest.hexdigest()}.{SUFFIX[variant.format]}"


def verify_image(file: Path) -> None:
    """Decode an image (quickly, at a reduced scale) to prove its data is whole; raise ImageFault if not."""
    try:
        with Image.open(file) as image:
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise damaged(file.name, error) from None


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
