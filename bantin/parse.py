"""Stage 3 driver: parse every source file, in parallel, reusing a cache keyed by content."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from . import __version__
from .config import Config
from .content import Article, Parsed, parse_file
from .discover import SourceFile, Sources
from .markup import Converter
from .problems import Problem

PARALLEL_THRESHOLD = 200
ENGINE_FILES = ("content.py", "markup.py", "frontmatter.py", "source.py", "dates.py", "parse.py")
_converters: dict[bool, Converter] = {}


@dataclass(frozen=True)
class Job:
    """One file to parse: its bytes, its path and the settings that shape the result."""

    key: str
    path: str
    data: bytes
    kind: str
    timezone: str
    trust_html: bool


@dataclass(frozen=True)
class ParseResult:
    """Parsed articles and pages, the problems met, and how many came from the cache."""

    articles: tuple[Article, ...]
    pages: tuple[Article, ...]
    problems: tuple[Problem, ...]
    cached: int


def engine_fingerprint() -> str:
    """Hash the parsing code itself, so a changed engine never reuses stale results."""
    digest = hashlib.sha256(__version__.encode())
    for name in ENGINE_FILES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def make_jobs(config: Config, sources: Sources) -> list[Job]:
    """Read every article and page and key it by content and settings."""
    salt = f"{engine_fingerprint()}|{config.timezone}|{config.trust_html}".encode()
    jobs = []
    for kind, files in (("article", sources.articles), ("page", sources.pages)):
        for source in files:
            data = source.file.read_bytes()
            key = hashlib.sha256(salt + kind.encode() + source.path.encode() + b"\0" + data).hexdigest()
            jobs.append(Job(key, source.path, data, kind, config.timezone, config.trust_html))
    return jobs


def run_job(job: Job) -> Parsed:
    """Parse one file (in whichever process runs it)."""
    converter = _converters.get(job.trust_html) or _converters.setdefault(job.trust_html, Converter(job.trust_html))
    parsed = parse_file(job.data, job.path, ZoneInfo(job.timezone), converter, job.kind)
    return replace(parsed, problems=tuple(replace(p, path=f"content/{p.path}") for p in parsed.problems))


class ParseCache:
    """Parsed results on disk under .bantin/cache, plus an in-memory layer for `serve`."""

    def __init__(self, folder: Path | None, memory: dict[str, Parsed] | None = None) -> None:
        self.folder, self.memory = folder, memory if memory is not None else {}

    def get(self, key: str) -> Parsed | None:
        """Return a cached result, or None."""
        if key in self.memory or self.folder is None:
            return self.memory.get(key)
        try:
            parsed = pickle.loads((self.folder / key[:2] / key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        self.memory[key] = parsed
        return parsed

    def put(self, key: str, parsed: Parsed) -> None:
        """Store a result; a cache that cannot be written is simply not used."""
        self.memory[key] = parsed
        if self.folder is None:
            return
        target = self.folder / key[:2] / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
            temporary.replace(target)
        except OSError:
            pass


def parse_all(config: Config, sources: Sources, cache: ParseCache, jobs: int) -> ParseResult:
    """Parse every article and page, in parallel when there are many to do."""
    work = make_jobs(config, sources)
    results = {job.key: cache.get(job.key) for job in work}
    missing = [job for job in work if results[job.key] is None]
    for job, parsed in zip(missing, run_many(missing, jobs)):
        cache.put(job.key, parsed)
        results[job.key] = parsed
    outcomes = [(job.kind, results[job.key]) for job in work]
    problems = tuple(p for _, parsed in outcomes for p in parsed.problems)
    articles = tuple(p.article for kind, p in outcomes if kind == "article" and p.article)
    pages = tuple(p.article for kind, p in outcomes if kind == "page" and p.article)
    return ParseResult(articles, pages, problems, len(work) - len(missing))


def run_many(work: list[Job], jobs: int) -> list[Parsed]:
    """Run parse jobs, across processes when that pays for itself."""
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        return [run_job(job) for job in work]
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(run_job, work, chunksize=max(1, len(work) // (jobs * 8))))


def source_paths(files: tuple[SourceFile, ...]) -> list[str]:
    """List content-relative paths, for messages."""
    return [f.path for f in files]
