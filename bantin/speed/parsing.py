"""Parse many files quickly: reuse the parse cache, and parse what it lacks on the workers.

`CachedParser` is a `parse_many` for the parse stage (stages.content.parse_all). A file's key
hashes its bytes with its path, its kind, and every setting and line of engine code that
shapes the result. A file untouched since the last build (same size and modification time,
see parsecache.py) is not even read. The rest are parsed by the build's executor, whose
workers read each file themselves and send the result back already pickled, ready for the cache.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Sequence

from ..stages.content import ParseJob, ParseSettings, Parsed, parse_job, read_source
from .executor import SerialExecutor
from .parsecache import ParseCache
from .stamp import engine_fingerprint


UNREAD = "unread:"  # the key of a file that could not be read, by its path: never kept


def settings_salt(settings: ParseSettings) -> str:
    """Mix the engine and the settings that shape a parse into one string."""
    return f"{engine_fingerprint()}|{settings.timezone}|{settings.trust_html}"


def job_key(salt: str, job: ParseJob, data: bytes) -> str:
    """Key a file's parse by everything that determines it."""
    return hashlib.sha256(f"{salt}|{job.kind}|{job.source.path}\0".encode() + data).hexdigest()


def parse_for_cache(settings: ParseSettings, salt: str, job: ParseJob) -> tuple[str, bytes]:
    """Read and parse one file (in a worker); return its key and the result pickled, as the cache stores it."""
    data = read_source(job.source.location)
    key = job_key(salt, job, data) if data is not None else UNREAD + job.source.path
    return key, pickle.dumps(parse_job(job, settings, data), protocol=pickle.HIGHEST_PROTOCOL)


def salted(settings: ParseSettings) -> tuple[ParseSettings, str]:
    """Prepare a worker for parsing: the settings and their salt."""
    return settings, settings_salt(settings)


def parse_prepared(prepared: tuple[ParseSettings, str], job: ParseJob) -> tuple[str, bytes]:
    """Run parse_for_cache with what `salted` prepared."""
    return parse_for_cache(prepared[0], prepared[1], job)


class CachedParser:
    """Parse jobs through the cache and the executor; remember each file's key (the stamp and digests use them)."""

    def __init__(self, cache: ParseCache, executor: SerialExecutor) -> None:
        self.cache, self.executor = cache, executor
        self.keys: dict[str, str] = {}
        self.reused = 0  # how many results of the last call came from the cache

    def __call__(self, jobs: Sequence[ParseJob], settings: ParseSettings) -> list[Parsed]:
        """Return the result of every job of a build, in order, and forget what no file of it uses."""
        return self.parse_some(jobs, settings, every=True)

    def parse_some(self, jobs: Sequence[ParseJob], settings: ParseSettings, every: bool = False) -> list[Parsed]:
        """Return every job's result, in order; `every`: these are all the build's files."""
        salt = settings_salt(settings)
        holds = self.cache.holds_results()
        keys = {job.source.path: self.known_key(job, salt, holds) for job in jobs}
        results = self.cache.get_many(sorted(set(keys.values()) - {""}))
        missing = [job for job in jobs if keys[job.source.path] not in results]
        self.reused = len(jobs) - len(missing)
        for job, (key, data) in zip(missing, self.executor.run(parse_prepared, missing, settings, salted)):
            parsed = pickle.loads(data)
            if not key.startswith(UNREAD):
                self.cache.put(key, parsed, data)
            keys[job.source.path], results[key] = key, parsed
        for job in jobs:
            if keys[job.source.path].startswith(UNREAD):
                continue  # the file could not be read: read it again next time, whatever its size and time say
            self.cache.remember(job.source.path, job.kind, job.source.size, job.source.mtime_ns, salt, keys[job.source.path])
        if every:
            self.cache.settle(set(keys), set(keys.values()))
            self.keys = keys
        else:
            self.cache.flush()
            self.keys |= keys
        return [results[keys[job.source.path]] for job in jobs]

    def known_key(self, job: ParseJob, salt: str, holds: bool) -> str:
        """Find a file's key from the stat index, else by reading it; "" when only parsing can tell (`holds`: the cache has results)."""
        key = self.cache.known(job.source.path, job.kind, job.source.size, job.source.mtime_ns, salt)
        if key is not None:
            return key
        if not holds:
            return ""  # nothing to find: the worker that parses the file hashes it
        data = read_source(job.source.location)
        return job_key(salt, job, data) if data is not None else ""
