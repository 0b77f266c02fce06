"""Encoded image variants kept between builds in .bantin/cache/images/, by what each is made from.

A variant's name there digests the original's bytes with the variant's own settings (see
images.variant_key), so a photo renamed, or published under another output folder or by
`serve`, is never encoded twice, and a changed quality re-encodes only the variants it sets.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .files import write_whole

IMAGES_FOLDER = "images"
CHECK_BYTES = 16  # each file starts with a digest of the rest: a damaged file is encoded again, never published


class KeptImages:
    """The variants already encoded, one file each; a store that cannot be written only costs speed."""

    def __init__(self, cache_folder: Path) -> None:
        self.folder = cache_folder / IMAGES_FOLDER

    def get(self, key: str) -> bytes | None:
        """Return a kept variant's bytes, or None (also when the file is damaged)."""
        try:
            kept = (self.folder / key[:2] / key).read_bytes()
        except OSError:
            return None
        data = kept[CHECK_BYTES:]
        return data if kept[:CHECK_BYTES] == check_of(data) else None

    def put(self, key: str, data: bytes) -> None:
        """Keep a variant, written whole or not at all."""
        write_whole(self.folder / key[:2] / key, check_of(data) + data)


def check_of(data: bytes) -> bytes:
    """Digest a variant's bytes, to tell a whole file from a damaged one."""
    return hashlib.blake2b(data, digest_size=CHECK_BYTES).digest()
