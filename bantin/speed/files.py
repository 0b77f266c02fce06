"""How the store writes its files in .bantin/: whole or not at all, and never at the cost of a build."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_whole(target: Path, data: bytes) -> None:
    """Write a file of the store through a temporary file, so a build killed mid-write leaves no half file and two
    processes writing it at once leave one whole; a file that cannot be written only costs speed."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        temporary.replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
