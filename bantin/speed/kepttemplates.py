"""The theme's templates kept compiled between builds in .bantin/cache/templates/, through Jinja's bytecode cache.

Compiling the default theme's templates takes each process about 60 ms; loading them compiled,
about 3 ms. That is most of what a rebuild after one edit spends on templates, and the first
edit `serve` renders in its own process. Jinja checks each kept template against its source,
and the engine fingerprint names every file, so a kept template is never one that an edited
theme, or another bantin or Jinja, would compile differently.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from .files import write_whole
from .stamp import engine_fingerprint

TEMPLATES_FOLDER = "templates"


class KeptTemplates(BytecodeCache):
    """Compiled templates, one file each; a store that cannot be read or written only costs speed."""

    def __init__(self, cache_folder: Path) -> None:
        self.folder = cache_folder / TEMPLATES_FOLDER
        self.engine = engine_fingerprint()[:16]

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket with the kept compiled template, if there is one (Jinja compiles the template otherwise)."""
        try:
            # Jinja refuses a file of another Jinja or Python, or of another source
            bucket.bytecode_from_string((self.folder / f"{self.engine}-{bucket.key}").read_bytes())
        except (OSError, EOFError, ValueError, pickle.UnpicklingError):  # a damaged file: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a compiled template, written whole or not at all (two processes may compile it at once)."""
        write_whole(self.folder / f"{self.engine}-{bucket.key}", bucket.bytecode_to_string())

    def forget_other_engines(self) -> None:
        """Delete the templates another engine compiled: this one never reads them."""
        try:
            for file in self.folder.iterdir():
                if not file.name.startswith(f"{self.engine}-"):
                    file.unlink(missing_ok=True)
        except OSError:
            pass
