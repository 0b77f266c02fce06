"""The reference build (`--jobs 1 --no-cache`: one process, nothing kept, the libraries' own ways)
writes byte for byte what the fast build writes: cold on workers, warm from the cache, and after an edit.

Two sites: the golden site, and a generated bulletin of 300 articles of which about half have a
table, a footnote, an attribute list or raw HTML (bench/corpus.py --mix 0.5), so both the plain
fast path and the library path are compared.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from sitekit import run_build, snapshot

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS.parent / "bench"))
import corpus  # noqa: E402


def reference_and_fast(site: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Build `site` as the reference into public-ref/ and fast into public/; return both snapshots."""
    reference = run_build(site, "--jobs", "1", "--no-cache", "--output", "public-ref")
    assert reference.code == 0, reference.stderr
    fast = run_build(site, "--jobs", "2")
    assert fast.code == 0, fast.stderr
    return snapshot(site / "public-ref"), snapshot(site / "public")


def assert_same(reference: dict[str, bytes], fast: dict[str, bytes]) -> None:
    """Fail with the first differing files when two builds differ."""
    assert sorted(reference) == sorted(fast), sorted(set(reference) ^ set(fast))[:10]
    differ = [name for name in reference if reference[name] != fast[name]]
    assert not differ, f"{len(differ)} files differ, first: {differ[:5]}"


@pytest.fixture(params=["golden", "bulletin300"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A copy of the golden site, or a generated mixed bulletin of 300 articles."""
    root = tmp_path / "site"
    if request.param == "golden":
        shutil.copytree(TESTS / "golden" / "site", root)
    else:
        manifest = corpus.generate(300, tmp_path / "corpus", mix=0.5)
        assert sum(manifest["mixed"].values()) > 100, manifest["mixed"]
        shutil.copytree(tmp_path / "corpus" / "bantin", root)
    return root


def test_reference_equals_fast_build_cold_warm_and_after_an_edit(site: Path) -> None:
    reference, fast = reference_and_fast(site)
    assert_same(reference, fast)
    assert len(reference) > 20

    shutil.rmtree(site / "public")  # the cache stays: this fast build reuses every parse and page it can
    assert_same(*reference_and_fast(site))

    article = next(p for p in sorted((site / "content").rglob("*.md")) if p.parent.name != "pages")
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\n| Cột | Giá trị |\n|---|---|\n| một | 1 |\n\nĐã sửa — lần 2...\n",
                       encoding="utf-8")
    reference, fast = reference_and_fast(site)
    assert_same(reference, fast)
    assert any("lần 2…".encode() in body or "lần 2...".encode() in body for body in fast.values())
