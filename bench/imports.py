#!/usr/bin/env python3
"""Measure `import` on 2,000 saved pages: the article pages of the 10,000-article benchmark build, as a mirror.

    python3 bench/imports.py                 # 2,000 pages (builds the corpus first if needed)
    python3 bench/imports.py --pages 500

The pages are bantin's own (the round trip the tests also check); the time is the whole command,
as an editor runs it, into an empty project. Results go to bench/results/import-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from record import save_results  # noqa: E402


def main() -> int:
    """Mirror the pages, import them, and report the time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    arguments = parser.parse_args()
    site = BENCH / "corpus" / "10000" / "bantin"
    if not (site / "site.toml").exists():
        corpus.generate(10000, site.parent)
    if not (site / "public" / "index.html").exists():
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site)], check=True)
    work = BENCH / "work" / "import"
    shutil.rmtree(work, ignore_errors=True)
    mirror, project = work / "mirror" / "example.org", work / "project"
    pages = sorted(p for p in (site / "public").glob("*/*/index.html") if p.parent.parent.name not in ("van-ban", "luu-tru", "trang"))
    for page in pages[:arguments.pages]:
        target = mirror / page.relative_to(site / "public")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page, target)
    (project / "content").mkdir(parents=True)
    shutil.copy2(REPO / "site.toml", project / "site.toml")
    shutil.copy2(REPO / "content" / "directives.toml", project / "content" / "directives.toml")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "import", str(mirror)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    written = len(list((project / "content").rglob("*.md")))
    checked = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(project), "check", "--drafts"],
                             capture_output=True, text=True)
    results = {"date": datetime.now().isoformat(timespec="seconds"), "pages": min(arguments.pages, len(pages)),
               "seconds": seconds, "pages_per_second": min(arguments.pages, len(pages)) / seconds, "articles_written": written,
               "exit": done.returncode, "check_exit": checked.returncode, "check_summary": checked.stdout.strip()[-200:]}
    print(json.dumps(results, indent=1, ensure_ascii=False))
    save_results("import", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
