"""Search indexes kept between builds in .bantin/cache/search/, by what each was built from.

An index's name there digests every record given to Pagefind (see search.index_key): a build
whose articles say what they said last time links the kept index instead of running Pagefind,
whether the output folder, the memo of outputs or the `serve` preview is new. The latest
KEPT indexes are kept; older ones are removed when a new one is done.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..stages.search import PUBLISHED

SEARCH_FOLDER = "search"
DONE = "done"  # written last: a folder without it is an index a killed build did not finish
KEPT = 2


class KeptSearchIndexes:
    """The indexes already built, one folder each."""

    def __init__(self, cache_folder: Path) -> None:
        self.root = cache_folder / SEARCH_FOLDER

    def get(self, key: str) -> dict[str, Path] | None:
        """Return a finished index's files by their names in the bundle, or None."""
        folder = self.root / key
        if not (folder / DONE).is_file():
            return None
        out = folder / "out"
        files = {file.relative_to(out).as_posix(): file for file in sorted(out.rglob("*")) if file.is_file()}
        return {name: file for name, file in files.items() if PUBLISHED.fullmatch(name)} or None

    def folder(self, key: str) -> Path:
        """Return the folder an index with this key is built in (emptied first)."""
        folder = self.root / key
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def done(self, key: str) -> None:
        """Mark an index finished, drop the pages it was built from, and forget all but the latest few."""
        folder = self.root / key
        shutil.rmtree(folder / "site", ignore_errors=True)
        (folder / DONE).write_text(key, encoding="utf-8")
        finished = sorted((f for f in self.root.iterdir() if (f / DONE).is_file()), key=lambda f: (f / DONE).stat().st_mtime_ns)
        for old in finished[:-KEPT]:
            shutil.rmtree(old, ignore_errors=True)
