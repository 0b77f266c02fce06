"""The parse cache: parsed articles kept in memory and in one SQLite file under .bantin/cache.

Results are keyed by a hash of the file's bytes, its path and kind, and every setting and
line of engine code that shapes the result, so a stale entry can never be found. Beside
them sits a stat index, path → (size, modification time) → key, which lets a rebuild skip
reading and hashing files that have not been touched. A file changed within RACY_NS of
being indexed may change again without its size or time moving, so such an entry is
checked by content next time. One packed file is read and written in single queries:
about five times faster than a file per article (see the performance notes in the README).
"""

from __future__ import annotations

import pickle
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..stages.content import Parsed

DATABASE = "parsed.sqlite3"
RACY_NS = 2_000_000_000
BATCH = 500
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, kind TEXT, size INTEGER, mtime INTEGER,"
    " salt TEXT, key TEXT, recorded INTEGER)",
)
IndexEntry = tuple[str, int, int, str, str, int]  # kind, size, mtime_ns, salt, key, recorded_ns


class ParseCache:
    """Parsed results on disk (None: memory only), plus an in-memory layer that `serve` keeps between rebuilds."""

    def __init__(self, folder: Path | None, memory: dict[str, Parsed] | None = None) -> None:
        self.folder, self.memory = folder, memory if memory is not None else {}
        self.index: dict[str, IndexEntry] | None = None
        self.pending: dict[str, bytes] = {}
        self.pending_index: dict[str, IndexEntry] = {}
        self.connection: sqlite3.Connection | None = None
        self.broken = folder is None
        self.writer: ThreadPoolExecutor | None = None
        self.writing: sqlite3.Connection | None = None  # used by the writer thread only

    def database(self) -> sqlite3.Connection | None:
        """Open the cache file on first use; a cache that cannot be opened is simply not used."""
        if self.connection is None and not self.broken:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self.connection = sqlite3.connect(self.folder / DATABASE, timeout=30)
                for statement in SCHEMA:
                    self.connection.execute(statement)
            except (OSError, sqlite3.Error):
                self.disable()
        return self.connection

    def disable(self) -> None:
        """Stop using the disk after an error; the build goes on without it."""
        self.broken = True
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def get(self, key: str) -> Parsed | None:
        """Return a cached result, or None."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, Parsed]:
        """Return the cached results among `keys`, reading the disk in a few large queries."""
        found = {key: self.memory[key] for key in keys if key in self.memory}
        missing = [key for key in keys if key not in found]
        database = self.database() if missing else None
        try:
            for start in range(0, len(missing) if database else 0, BATCH):
                chunk = missing[start:start + BATCH]
                rows = database.execute(f"SELECT key, data FROM parsed WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, data in rows:
                    found[key] = self.memory[key] = pickle.loads(data)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
            self.disable()
        return found

    def holds_results(self) -> bool:
        """Tell whether any result could be found here: a first build need not read and hash every file up front."""
        if self.memory:
            return True
        database = self.database()
        try:
            return database is not None and database.execute("SELECT 1 FROM parsed LIMIT 1").fetchone() is not None
        except sqlite3.Error:
            self.disable()
            return False

    def put(self, key: str, parsed: Parsed, data: bytes | None = None) -> None:
        """Store a result (already pickled as `data`, when a worker did it); written by `flush`."""
        self.memory[key] = parsed
        if not self.broken:
            self.pending[key] = data if data is not None else pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
            if len(self.pending) >= BATCH:
                self.flush()  # in batches, so a first build never holds every result twice

    def known(self, path: str, kind: str, size: int, mtime_ns: int, salt: str) -> str | None:
        """Return the key of a file not touched since it was indexed, without reading it."""
        if self.index is None:
            self.index = self.load_index()
        entry = self.index.get(path)
        if entry is None or entry[:4] != (kind, size, mtime_ns, salt) or entry[5] - mtime_ns <= RACY_NS:
            return None
        return entry[4]

    def remember(self, path: str, kind: str, size: int, mtime_ns: int, salt: str, key: str) -> None:
        """Index a file's size and time under its key."""
        if self.index is None:
            self.index = self.load_index()
        entry = self.index.get(path)
        if entry is None or entry[:5] != (kind, size, mtime_ns, salt, key) or entry[5] - mtime_ns <= RACY_NS:
            self.index[path] = self.pending_index[path] = (kind, size, mtime_ns, salt, key, time.time_ns())

    def load_index(self) -> dict[str, IndexEntry]:
        """Read the stat index from disk (empty when there is no disk cache)."""
        database = self.database()
        if database is None:
            return {}
        try:
            return {row[0]: tuple(row[1:]) for row in database.execute(
                "SELECT path, kind, size, mtime, salt, key, recorded FROM files")}
        except sqlite3.Error:
            self.disable()
            return {}

    def settle(self, paths: set[str], used: set[str]) -> None:
        """After a parse: forget results and index entries no file of `paths` uses, and hand the rest to the writer.

        The writer thread may go on while the build continues (close() waits for it): the
        build's workers are forked before it starts, so no process is forked while it runs.
        """
        for key in [k for k in self.memory if k not in used]:
            del self.memory[key]
        for path in [p for p in (self.index or {}) if p not in paths]:
            del self.index[path]
        self.flush(paths)

    def flush(self, paths: set[str] | None = None) -> None:
        """Hand new results and index entries (and, with `paths`, the files still there) to the writer thread.

        Writing a first build's results means waiting for the disk about twenty times: in a thread
        of its own, that wait no longer holds up the results still coming from the workers.
        """
        batch = (self.pending, self.pending_index, paths)
        self.pending, self.pending_index = {}, {}
        if self.broken or not (batch[0] or batch[1] or paths is not None) or self.database() is None:
            return  # (opening the file here first makes its tables)
        self.writer = self.writer or ThreadPoolExecutor(1, thread_name_prefix="parse-cache")
        self.writer.submit(self.write, *batch)

    def write(self, results: dict[str, bytes], index: dict[str, IndexEntry], paths: set[str] | None) -> None:
        """Write one batch in one transaction (in the writer thread); on any error stop using the disk."""
        try:
            if self.writing is None:
                self.writing = sqlite3.connect(self.folder / DATABASE, timeout=30, check_same_thread=False)
                # The cache is disposable: a file torn by a power cut fails to read and is rebuilt (see disable).
                # Not waiting for the disk after each batch makes a first build about 4 % quicker.
                self.writing.execute("PRAGMA synchronous=OFF")
            with self.writing:
                self.writing.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)", results.items())
                self.writing.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                                         [(path, *entry) for path, entry in index.items()])
                if paths is not None:
                    self.drop_gone(self.writing, paths)
        except sqlite3.Error:
            self.broken = True

    def wait(self) -> None:
        """Let the writer thread finish what it was handed, and stop it (no thread outlives a parse but by `settle(meanwhile=True)`)."""
        if self.writer is not None:
            self.writer.shutdown(wait=True)
            self.writer = None
        if self.writing is not None:
            self.writing.close()
            self.writing = None
        if self.broken:
            self.disable()  # a write failed: stop reading the file too, as before the writer thread

    def drop_gone(self, database: sqlite3.Connection, paths: set[str]) -> None:
        """Delete index rows of vanished files, and results nothing refers to once they pile up."""
        stored = [row[0] for row in database.execute("SELECT path FROM files")]
        database.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in stored if p not in paths])
        (results,) = database.execute("SELECT COUNT(*) FROM parsed").fetchone()
        if results > 2 * len(paths) + 100:
            database.execute("DELETE FROM parsed WHERE key NOT IN (SELECT key FROM files)")

    def close(self) -> None:
        """Write what is pending and close the file."""
        self.flush()
        self.wait()
        if self.connection is not None:
            self.connection.close()
            self.connection = None
