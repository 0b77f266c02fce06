"""Golden site: build tests/golden/site and compare every output byte with tests/golden/expected.

Regenerate after an intended change with: UPDATE_GOLDEN=1 python3 -m pytest tests/test_golden.py
then review `git diff tests/golden/expected`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sitekit import SEARCH_BUNDLES, run_build, search_bundle, snapshot

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_golden_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(GOLDEN / "site", site)
    result = run_build(site, "--no-cache")
    assert result.code == 0, result.stderr
    built = snapshot(site / "public")
    expected_dir = GOLDEN / "expected"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        bundles = {name.rstrip("/") for name in SEARCH_BUNDLES}  # not reproducible byte for byte: see sitekit.snapshot
        shutil.copytree(site / "public", expected_dir, ignore=lambda folder, names: [n for n in names if n in bundles])
    expected = snapshot(expected_dir)
    assert sorted(built) == sorted(expected), "pages added or removed; run with UPDATE_GOLDEN=1 and review the diff"
    assert search_bundle(site / "public") == {"pagefind/pagefind.js", "pagefind/pagefind-worker.js"}
    changed = [name for name in built if built[name] != expected[name]]
    assert not changed, f"{len(changed)} files differ, first: {changed[:5]}; run with UPDATE_GOLDEN=1 and review the diff"
