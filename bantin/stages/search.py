"""Search: the Pagefind index of every article and standalone page, declared as one output of the build.

Pagefind (1.5) folds tone marks in the index and in queries, but leaves `đ`, which has no
decomposed form, so "dang bo" would not find "Đảng bộ". The text given to Pagefind therefore
writes `đ` as `d` followed by U+0335 (combining short stroke overlay): Pagefind folds the mark
away as it does tone marks, so the word is indexed as "dang". The search page's script folds
a query's `đ` to `d`; Pagefind does the rest. Every index record is a small HTML page written for
Pagefind alone (the published pages are not re-read): title, summary, the body's words (see
body_words), directives, byline, with the title and the directives weighted above the body, the
section and directives as filters, and the title, date, section and summary as what a result shows.
"""

from __future__ import annotations

import hashlib
import html
from importlib.metadata import PackageNotFoundError, version
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from ..problems import BuildError, Problem
from .config import Config
from .directives import Directive
from .model import Entry, SearchIndex, Site

SEARCH_FOLDER = "pagefind/"
RECENT_FOLDER = "pagefind-recent/"  # serve's index of what was edited since it started (see speed/patcher.RecentSearch)
def pagefind_version() -> str:
    """Return the installed Pagefind package's version ("" without it: the build then says how to install it)."""
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return ""


PAGEFIND_VERSION = pagefind_version()  # a kept index is built again when Pagefind changes
STROKE = "\u0335"  # combining short stroke overlay: đ is written d + STROKE for Pagefind (see the module's docstring)
PAGEFIND_MODULE = [sys.executable, "-m", "pagefind"]  # the pinned PyPI package pagefind[bin], through its wrapper
PUBLISHED = re.compile(r"pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|wasm\.[^/]+\.pagefind|[^/]+\.pf_meta"
                       r"|(index|fragment|filter)/[^/]+")  # what the search page loads; Pagefind's own UI is not used
TAG = re.compile(r"<[^>]+>")
SUMMARY_CHARS = 320  # what a result shows of the summary
WORD = re.compile(r"[\w/-]+")
# The commonest Vietnamese syllables that carry no meaning of their own in a query; left out of the
# body's words, and out of queries by the search page (search.html hands it this list).
STOP_WORDS = frozenset("và của các là có được trong cho với những đã này một không để khi về từ đến thì mà cũng như tại do sẽ "
                       "vào ra còn lại nên rất đó nào bị hay cùng trên dưới".split())
ABBREVIATIONS = {"Chỉ thị": "CT", "Kết luận": "KL", "Nghị quyết": "NQ", "Quy định": "QĐ", "Hướng dẫn": "HD", "Kế hoạch": "KH"}
INSTALL_HINT = "Cài lại các gói của dự án: bash scripts/setup.sh (gói pagefind[bin] trong requirements.txt), " \
               "hoặc tắt tìm kiếm trong site.toml: [search] enabled = false."


class KeptIndexes(Protocol):
    """Where built indexes are kept between builds, by what they were built from (bantin.speed gives one)."""

    def get(self, key: str) -> dict[str, Path] | None: ...
    def folder(self, key: str) -> Path: ...
    def done(self, key: str) -> None: ...


def declare_search(site: Site) -> tuple[SearchIndex, ...]:
    """Declare the search index of every article with a page and every standalone page (none when [search] is off)."""
    if not site.config.search:
        return ()
    entries = site.entries + tuple(page.data for page in site.standalone_pages)
    return (SearchIndex(SEARCH_FOLDER, tuple(e for e in entries if not e.article.external_url), site.config.lang),)


def pagefind_command() -> list[str]:
    """Return how to run Pagefind: the binary pagefind[bin] ships, called directly (a Python start-up less on
    every `serve` rebuild), unless PAGEFIND_BINARY_PATH names another, as the package's wrapper allows."""
    if "PAGEFIND_BINARY_PATH" not in os.environ:
        try:
            from pagefind_bin import get_executable
            return [str(get_executable())]
        except (ImportError, OSError):
            pass
    return PAGEFIND_MODULE


def folded(text: str) -> str:
    """Write đ and Đ so that Pagefind folds them to d and D (see the module's docstring)."""
    return text.replace("đ", "d" + STROKE).replace("Đ", "D" + STROKE)


def plain_text(body_html: str) -> str:
    """Reduce a body's HTML to its words."""
    return html.unescape(TAG.sub(" ", body_html))


def body_words(text: str) -> str:
    """Shape a body for the index: each word once, in the order it first comes, without the commonest syllables.

    Vietnamese words are syllables, few and common: indexed as written, every article holds "của",
    "và", "đảng" dozens of times, and the index a two-word query loads grows to megabytes at 10,000
    articles. Each word once (and no stop words) keeps what a query can find, and the search page
    shows the summary, not an excerpt of this text (see theme/static/search.js).
    """
    seen: dict[str, None] = {}
    for word in WORD.findall(text):
        key = word.casefold()
        if key not in STOP_WORDS and key not in seen:
            seen[key] = None
    return " ".join(seen)


def directive_names(directive: Directive) -> list[str]:
    """Every way a reader may ask for a directive: "Chỉ thị 05-CT/TW", "chỉ thị 05", "CT 05", its aliases."""
    short = directive.number.split("-")[0]
    names = [f"{directive.kind} {directive.number}", f"{directive.kind} {short}", *directive.aliases]
    if directive.kind in ABBREVIATIONS:
        names.append(f"{ABBREVIATIONS[directive.kind]} {short}")
    return names


def record_page(entry: Entry, edition: str = "") -> str:
    """Write the HTML page Pagefind indexes for one entry: folded text, weighted parts, meta, filters, sort."""
    article, escape = entry.article, html.escape
    names = [name for directive in entry.directives for name in directive_names(directive)]
    section = entry.section.name if entry.section else ""
    date = article.date.strftime("%d/%m/%Y") if article.date and article.kind != "page" else ""
    summary = article.summary if len(article.summary) <= SUMMARY_CHARS else article.summary[:SUMMARY_CHARS].rsplit(" ", 1)[0] + "…"
    meta = [("title", article.title), ("date", date), ("section", section), ("summary", summary),
            ("iso", article.date.strftime("%Y-%m-%dT%H:%M") if article.date else ""), ("edition", edition)]
    parts = [  # the title and summary as written (the search page looks for the query's words side by side there)
        f'<p data-pagefind-weight="10">{escape(folded(article.title))}</p>',
        f'<p data-pagefind-weight="3">{escape(folded(article.summary))}</p>' if article.summary else "",
        f"<div>{escape(folded(body_words(plain_text(article.body_html))))}</div>",
        f'<p data-pagefind-weight="8">{escape(folded(" · ".join(names)))}</p>' if names else "",
        f'<p data-pagefind-weight="2">{escape(folded(" · ".join(filter(None, (article.author, section)))))}</p>',
    ]
    tags = [f'<span data-pagefind-meta="{key}">{escape(value)}</span>' for key, value in meta if value]
    tags += [f'<span data-pagefind-filter="chuyên mục">{escape(section)}</span>'] if section else []
    tags += [f'<span data-pagefind-filter="văn bản">{escape(d.name)}</span>' for d in entry.directives]
    if article.date:
        tags.append(f'<span data-pagefind-sort="date">{article.date.strftime("%Y-%m-%dT%H:%M")}</span>')
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(article.title)}</title></head><body>'
            f'<main data-pagefind-body>{"".join(parts)}</main>{"".join(tags)}</body></html>')


def record_name(entry: Entry) -> str:
    """Name the record's file so that Pagefind gives it the entry's URL ("/tin-tuc/bai/" from tin-tuc/bai/index.html)."""
    return unquote(entry.url.strip("/")) + "/index.html" if entry.url.strip("/") else "index.html"


class PendingIndex:
    """A search index being built by Pagefind in its own process, while the render stage makes the pages."""

    def __init__(self, index: SearchIndex, kept: KeptIndexes | None = None) -> None:
        edition = "recent" if index.replaces is not None else ""
        records = {record_name(entry): record_page(entry, edition) for entry in index.entries}
        self.key, self.kept = index_key(records, index.language), kept
        self.prefix = index.output
        self.extra: dict[str, bytes] = {}
        if index.replaces is not None:  # what the search page needs to merge a partial index
            listing = {"urls": list(index.replaces), "indexed": bool(records)}
            self.extra[self.prefix + "changed.json"] = json.dumps(listing, ensure_ascii=False).encode("utf-8")
        self.found = kept.get(self.key) if kept is not None else None
        self.process: subprocess.Popen[str] | None = None
        if not records:
            self.found = {}
        elif self.found is None:
            self.scratch = kept.folder(self.key) if kept is not None else Path(tempfile.mkdtemp(prefix="bantin-search-"))
            self.process = start_pagefind(records, self.scratch, index.language)

    def files(self) -> dict[str, Path | bytes]:
        """Wait for Pagefind; return the bundle's files under their output names; raise BuildError if it failed."""
        if self.found is not None:
            return {self.prefix + name: file for name, file in self.found.items()} | self.extra
        try:
            bundle = finish_pagefind(self.process, self.scratch / "out")
            if self.kept is None:
                return {self.prefix + name: file.read_bytes() for name, file in bundle.items()} | self.extra
            self.kept.done(self.key)
            return {self.prefix + name: file for name, file in bundle.items()} | self.extra
        finally:
            if self.kept is None:
                shutil.rmtree(self.scratch, ignore_errors=True)

    def cancel(self) -> None:
        """Stop Pagefind (the build failed elsewhere)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def index_key(records: dict[str, str], language: str) -> str:
    """Name what an index is built from: every record, the language and the Pagefind command."""
    digest = hashlib.blake2b(repr((language, PAGEFIND_VERSION)).encode(), digest_size=16)
    for name in sorted(records):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0" + records[name].encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def start_pagefind(records: dict[str, str], scratch: Path, language: str) -> subprocess.Popen[str]:
    """Write the records into `scratch`/site and start Pagefind on them, writing into `scratch`/out."""
    site, out = scratch / "site", scratch / "out"
    for folder in (site, out):
        shutil.rmtree(folder, ignore_errors=True)
    site.mkdir(parents=True)
    made: set[str] = set()
    for name, page in records.items():
        parent = name.rpartition("/")[0]
        if parent not in made:
            (site / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        (site / name).write_text(page, encoding="utf-8")
    command = [*pagefind_command(), "--site", str(site), "--output-path", str(out), "--force-language", language, "--quiet"]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    except OSError as error:
        raise BuildError([Problem("site.toml", 0, f"Không chạy được Pagefind để lập chỉ mục tìm kiếm ({error}).", INSTALL_HINT)]) from None


def finish_pagefind(process: subprocess.Popen[str], out: Path) -> dict[str, Path]:
    """Wait for Pagefind; return the files the search page loads, by their names in the bundle."""
    said, _ = process.communicate()
    if process.returncode != 0 or not (out / "pagefind.js").is_file():
        last = " ".join(said.strip().splitlines()[-3:]) or f"mã thoát {process.returncode}"
        raise BuildError([Problem("site.toml", 0, f"Pagefind không lập được chỉ mục tìm kiếm: {last}", INSTALL_HINT)])
    return {name: file for file in sorted(out.rglob("*")) if file.is_file()
            and PUBLISHED.fullmatch(name := file.relative_to(out).as_posix())}


def pagefind_problem(config: Config) -> Problem | None:
    """Say how to install Pagefind when search is on and its binary cannot run (for `check` and the build)."""
    if not config.search:
        return None
    try:
        done = subprocess.run([*pagefind_command(), "--version"], capture_output=True, text=True, timeout=60)
    except OSError as error:
        return Problem("site.toml", 0, f"Không chạy được Pagefind, cần cho tìm kiếm ({error}).", INSTALL_HINT)
    if done.returncode != 0:
        return Problem("site.toml", 0, "Không tìm thấy Pagefind, cần cho tìm kiếm: " + (done.stderr.strip().splitlines() or ["?"])[-1],
                       INSTALL_HINT)
    return None
