"""Stage 3 driver: parse every source file, in parallel, reusing a cache keyed by content.

A file's key hashes its bytes with its path, its kind, and every setting and line of
engine code that shapes the result. A file untouched since the last build (same size and
modification time, see cache.py) is not even read. The rest are parsed by the build's
worker processes, which read the file themselves and send back the result already
pickled, ready for the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Iterator
from zoneinfo import ZoneInfo

from .cache import ParseCache
from .config import Config
from .content import Article, Parsed, parse_file
from .discover import SourceFile, Sources
from .markup import Converter
from .problems import Problem
from .stamp import engine_fingerprint
from .workers import PARALLEL_THRESHOLD, Workers

__all__ = ["ParseCache", "ParseResult", "parse_all"]
READ_SIZE = 1 << 16
_converters: dict[bool, Converter] = {}


@dataclass(frozen=True)
class Job:
    """One file to parse: where it is, and the settings that shape the result."""

    path: str
    file: str
    kind: str
    salt: str
    timezone: str
    trust_html: bool


@dataclass(frozen=True)
class ParseResult:
    """Parsed articles and pages, the problems met, how many came from the cache, and each file's key."""

    articles: tuple[Article, ...]
    pages: tuple[Article, ...]
    problems: tuple[Problem, ...]
    cached: int
    keys: dict[str, str]


def settings_salt(config: Config) -> str:
    """Mix the engine and the settings that shape a parse into one string."""
    return f"{engine_fingerprint()}|{config.timezone}|{config.trust_html}"


def job_key(salt: str, kind: str, path: str, data: bytes) -> str:
    """Key a file's parse by everything that determines it."""
    return hashlib.sha256(f"{salt}|{kind}|{path}\0".encode() + data).hexdigest()


def read_source(file: str) -> bytes | None:
    """Read a source file; None if it vanished since discovery."""
    try:
        handle = os.open(file, os.O_RDONLY)
    except OSError:
        return None
    try:  # os-level reads: a third of what Path.read_bytes costs, for 10,000 small files a build
        chunks = []
        while chunk := os.read(handle, READ_SIZE):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)


def parse_job(job: Job) -> tuple[str, Parsed]:
    """Read and parse one file (in whichever process runs it); return its key and result."""
    data = read_source(job.file)
    if data is None:
        return job_key(job.salt, job.kind, job.path, b"\0missing"), Parsed(None, (Problem(
            f"content/{job.path}", 1, "Không đọc được tệp (có thể tệp vừa bị xoá hoặc đổi tên).", "Lưu lại tệp rồi dựng lại."),))
    converter = _converters.get(job.trust_html) or _converters.setdefault(job.trust_html, Converter(job.trust_html))
    parsed = parse_file(data, job.path, ZoneInfo(job.timezone), converter, job.kind)
    if parsed.problems:
        parsed = replace(parsed, problems=tuple(replace(p, path=f"content/{p.path}") for p in parsed.problems))
    return job_key(job.salt, job.kind, job.path, data), parsed


def parse_job_pickled(job: Job) -> tuple[str, bytes]:
    """Parse one file in a worker and return the result pickled, as the cache stores it."""
    key, parsed = parse_job(job)
    return key, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


def current_keys(sources: list[tuple[str, SourceFile]], cache: ParseCache, salt: str) -> tuple[dict[str, str], list[int]]:
    """Find each file's key: the same record as last time, else the stat index, else read and hash the file.

    Also return the positions of the files whose key did not come from last time's record. A key
    is "" when it cannot be known without parsing: the file vanished, or the cache is empty and
    the worker that parses the file will hash it.
    """
    keys, fresh = {}, []
    worth_hashing = cache.holds_results()
    for position, (kind, source) in enumerate(sources):
        last = cache.last.get(source.path)
        if last is not None and last[0] is source and last[1] == salt:
            keys[source.path] = last[2]
            continue
        key = cache.known(source.path, kind, source.size, source.mtime_ns, salt)
        if key is None:
            data = read_source(source.location) if worth_hashing else None
            key = job_key(salt, kind, source.path, data) if data is not None else ""
        keys[source.path] = key
        fresh.append(position)
    return keys, fresh


def parse_all(config: Config, sources: Sources, cache: ParseCache, jobs: int, workers: Workers | None = None) -> ParseResult:
    """Parse every article and page, in parallel when there are many to do."""
    salt = settings_salt(config)
    files = [("article", s) for s in sources.articles] + [("page", s) for s in sources.pages]
    quick = reparse(config, files, cache, salt)
    if quick is not None:
        return quick
    keys, fresh = current_keys(files, cache, salt)
    results = cache.get_many(sorted(set(keys.values()) - {""}))
    missing = [Job(s.path, s.location, kind, salt, config.timezone, config.trust_html)
               for kind, s in files if keys[s.path] not in results]
    with Workers(jobs) if workers is None else nullcontext(workers) as pool:
        for job, (key, parsed) in zip(missing, run_many(missing, cache, pool)):
            keys[job.path], results[key] = key, parsed
    for kind, source in (files[i] for i in fresh):
        cache.remember(source.path, kind, source.size, source.mtime_ns, salt, keys[source.path])
    cache.settle(files, keys, salt, meanwhile=workers is not None and workers.running)
    outcomes = [(kind, results[keys[s.path]]) for kind, s in files]
    return remembered(cache, salt, files, keys, outcomes, len(files) - len(missing))


def remembered(cache: ParseCache, salt: str, files: list[tuple[str, SourceFile]], keys: dict[str, str],
               outcomes: list[tuple[str, Parsed]], cached: int) -> ParseResult:
    """Gather the result, and keep it with the cache so the next parse can patch it."""
    problems = tuple(p for _, parsed in outcomes for p in parsed.problems)
    articles = tuple(p.article for kind, p in outcomes if kind == "article" and p.article)
    pages = tuple(p.article for kind, p in outcomes if kind == "page" and p.article)
    result = ParseResult(articles, pages, problems, cached, keys)
    cache.previous = (salt, files, outcomes, result)
    return result


def reparse(config: Config, files: list[tuple[str, SourceFile]], cache: ParseCache, salt: str) -> ParseResult | None:
    """Patch the last parse when only a few file records changed (a long-lived session); None otherwise."""
    previous = cache.previous
    if previous is None or previous[0] != salt or len(previous[1]) != len(files):
        return None
    last = cache.last  # holds no file touched just now: such a file may have changed without its size or time moving
    changed = [i for i, (old, new) in enumerate(zip(previous[1], files)) if old[1] is not new[1] or new[1].path not in last]
    if len(changed) > PARALLEL_THRESHOLD or any(previous[1][i][1].path != files[i][1].path for i in changed):
        return None
    if not changed:
        return previous[3]
    old_keys = previous[3].keys
    keys, _ = current_keys([files[i] for i in changed], cache, salt)
    keys, outcomes, parsed_now = old_keys | keys, list(previous[2]), 0
    for i in changed:
        kind, source = files[i]
        parsed = cache.get(keys[source.path])
        if parsed is None:
            key, parsed = parse_job(Job(source.path, source.location, kind, salt, config.timezone, config.trust_html))
            keys[source.path], parsed_now = key, parsed_now + 1
            cache.put(key, parsed)
        if old_keys[source.path] != keys[source.path]:
            cache.memory.pop(old_keys[source.path], None)  # the file's old version: no other file has its key
        cache.remember(source.path, kind, source.size, source.mtime_ns, salt, keys[source.path])
        outcomes[i] = (kind, parsed)
    cache.settle([files[i] for i in changed], keys, salt, partial=True)
    return remembered(cache, salt, files, keys, outcomes, len(files) - parsed_now)


def run_many(work: list[Job], cache: ParseCache, workers: Workers) -> Iterator[tuple[str, Parsed]]:
    """Parse files, across the workers when there are many, storing each result in the cache as it arrives."""
    if len(work) < PARALLEL_THRESHOLD or workers.jobs <= 1:
        for job in work:
            key, parsed = parse_job(job)
            cache.put(key, parsed)
            yield key, parsed
        return
    for key, data in workers.map(parse_job_pickled, work):
        parsed = pickle.loads(data)
        cache.put(key, parsed, data)
        yield key, parsed
