#!/usr/bin/env python3
"""Measure search at 10,000 articles: the build time it adds, the index's size, a query's bytes and time, serve edits.

    python3 bench/search.py                  # 10,000 articles, 3 rounds: about 15 minutes on two cores
    python3 bench/search.py --n 1000 --rounds 1

In each round, alternating: a clean build of the corpus with search off ([search] enabled = false),
then with it on (public/ and .bantin/ removed before each). Then, on the last build with search:
the size of pagefind/ on disk; in Chromium, cold (a new browser context each time), the bytes the
search page downloads for two-word queries and the time from the last keypress to the first result;
and in a serve session (bantin.speed.patcher.PreviewSession), the time of a rebuild after each of
five edits to one article's body in a row, then five to its title (`--serve-only`: only these).

Results go to bench/results/search-<date>.json; bench/README.md reports them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(BENCH)]

import corpus  # noqa: E402
from record import save_results  # noqa: E402
from images import timed_build  # noqa: E402

QUERIES = ["dang bo", "chi thi 05", "lam theo bac", "Đảng ủy", "hoc tap"]
TYPED = """async (query) => {
  const input = document.querySelector('#tu-khoa');
  const first = () => document.querySelector('#ket-qua li') || document.getElementById('ket-qua-trang-thai').textContent.startsWith('Không');
  input.value = query;
  const started = performance.now();
  input.dispatchEvent(new Event('input'));
  while (!first()) {
    if (performance.now() - started > 30000) return -1;
    await new Promise(r => setTimeout(r, 5));
  }
  return performance.now() - started - 250;  // less the script's wait for the reader to stop typing
}"""


def with_search(site: Path, on: bool) -> None:
    """Turn search on or off in a corpus's site.toml."""
    toml = site / "site.toml"
    text = toml.read_text(encoding="utf-8").split("\n# Hugo and Pelican build no search")[0].split("\n[search]")[0].rstrip("\n") + "\n"
    toml.write_text(text + ("" if on else "\n[search]\nenabled = false\n"), encoding="utf-8")


def folder_bytes(folder: Path) -> int:
    """Sum the sizes of the files under a folder."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def queries(public: Path) -> dict:
    """Run each query cold in Chromium; return the bytes downloaded and the milliseconds to the first result."""
    from playwright.sync_api import sync_playwright

    from tools import launch_chromium, new_context, serve_directory

    found = {}
    with serve_directory(public) as base, sync_playwright() as playwright:  # the corpus's base_url is the domain root
        browser = launch_chromium(playwright)
        for query in QUERIES:
            context = new_context(browser, viewport={"width": 390, "height": 844})
            page = context.new_page()
            sizes: dict[str, int] = {}
            page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
            page.goto(base + "tim-kiem/", wait_until="load")
            before = sum(sizes.values())
            milliseconds = page.evaluate(TYPED, query)
            page.wait_for_timeout(500)
            search = {u: s for u, s in sizes.items() if "/pagefind/" in u}
            found[query] = {"page_bytes": before, "search_bytes": sum(sizes.values()) - before,
                            "index_bytes": sum(search.values()), "requests": len(search), "ms_to_results": round(milliseconds, 1),
                            "results": page.text_content("#ket-qua-trang-thai")}
            context.close()
        browser.close()
    return found


def serve_edits(site: Path) -> dict:
    """Time rebuilds in a serve session after body and title edits."""
    from bantin.pipeline import BuildRequest
    from bantin.speed.patcher import PreviewSession

    article = sorted((site / "content").glob("*/*.md"))[5]
    original = article.read_text(encoding="utf-8")
    session = PreviewSession(BuildRequest(site), site / ".bantin" / "bench-preview")
    times: dict[str, list[float]] = {"first": [], "body": [], "title": []}
    try:
        started = time.perf_counter()
        session.rebuild()
        times["first"].append(time.perf_counter() - started)
        for number in range(5):  # body edits one after another, as an editor writes
            article.write_text(original + f"\nCâu thêm số {number} về hợp tác xã.\n", encoding="utf-8")
            times["body"].append(session.rebuild([article]).seconds)
        for number in range(5):  # then retitles, each a new URL: the site is assembled anew
            article.write_text(original.replace("title: ", f"title: Sửa {number} ", 1), encoding="utf-8")
            times["title"].append(session.rebuild([article]).seconds)
    finally:
        article.write_text(original, encoding="utf-8")
        session.close()
    return {"times": times, "medians": {k: statistics.median(v) for k, v in times.items()}}


def main() -> int:
    """Run the rounds and the measurements; save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-only", action="store_true", help="only the serve edits (on the corpus as it is)")
    arguments = parser.parse_args()
    folder = BENCH / "corpus" / str(arguments.n)
    if not (folder / "bantin" / "site.toml").exists():
        corpus.generate(arguments.n, folder)
    site = folder / "bantin"
    if arguments.serve_only:
        print(json.dumps(serve_edits(site), indent=1))
        return 0
    times: dict[str, list[float]] = {"off": [], "on": []}
    try:
        for _ in range(arguments.rounds):
            for state in ("off", "on"):
                with_search(site, state == "on")
                times[state].append(timed_build(site))
        medians = {k: statistics.median(v) for k, v in times.items()}
        results = {"date": datetime.now().isoformat(timespec="seconds"), "n": arguments.n, "cpus": os.cpu_count(),
                   "times": times, "medians": medians, "added": (medians["on"] - medians["off"]) / medians["off"],
                   "index_bytes": folder_bytes(site / "public" / "pagefind"),
                   "index_files": sum(1 for _ in (site / "public" / "pagefind").rglob("*")),
                   "queries": queries(site / "public")}
        print(json.dumps(results, indent=1, ensure_ascii=False), flush=True)
        results["serve"] = serve_edits(site)
        print(json.dumps(results["serve"], indent=1), flush=True)
    finally:
        with_search(site, True)
        shutil.rmtree(site / ".bantin" / "bench-preview", ignore_errors=True)
    save_results("search", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
