"""Atomic builds: a build killed at any moment (SIGKILL) leaves the output wholly old or wholly new.

A few hundred generated articles make a build last a couple of seconds. The content flips between
two versions, A and B, whose complete outputs are snapshotted first; then builds are killed at
random moments (some timed from the start, some from the moment the staging folder appears, which
is the write-and-swap phase), and after every kill the output must equal snapshot A or snapshot B
byte for byte. Finally an ordinary build must succeed, match its snapshot, and leave no staging folder.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitekit import REPO, article, make_site, run_build, snapshot

N = 240
PARAGRAPH = ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh là việc làm thường xuyên, "
             "tự giác của mỗi cán bộ, đảng viên, gắn với nhiệm vụ chính trị của từng cơ quan, đơn vị. ") * 5


def version(kind: str) -> dict[str, str | bytes]:
    """The files that differ between versions A and B: titles, bodies, one article more, an image."""
    files: dict[str, str | bytes] = {}
    for i in range(0, N, 7):
        title = f"Bài viết số {i}" + (" (đã sửa)" if kind == "B" else "")
        files[path(i)] = text(i, title, extra=f"\n\nPhiên bản {kind}.")
    files["content/tin-tuc/chi-co-o-b.md"] = article("Chỉ có ở bản B") if kind == "B" else b""
    files["content/tin-tuc/anh.svg"] = f'<svg xmlns="http://www.w3.org/2000/svg" width="{40 if kind == "A" else 80}" height="30"></svg>'
    return files


def path(i: int) -> str:
    """Where article i lives."""
    return f"content/{'tin-tuc' if i % 2 else 'xay-dung-dang'}/bai-{i:04d}.md"


def text(i: int, title: str, extra: str = "") -> str:
    """The text of article i."""
    date = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2010 + i % 14} 08:00"
    directives = "[Chỉ thị 05-CT/TW]" if i % 3 == 0 else "[]"
    return article(title, date, body="\n\n".join([PARAGRAPH] * 4) + extra, directives=directives)


def switch(root: Path, kind: str) -> None:
    """Put version `kind` of the changing files in place (an empty value deletes the file)."""
    for name, data in version(kind).items():
        file = root / name
        if data == b"":
            file.unlink(missing_ok=True)
        else:
            file.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def staging_folders(root: Path) -> list[str]:
    """Staging folders left beside the output."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public.staging"))


def start_build(root: Path) -> subprocess.Popen:
    """Start a build in its own process group, so its parse workers can be killed with it."""
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root)], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=dict(os.environ, PYTHONHASHSEED="0"))


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the build and every process it started, then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def wait_for_staging(root: Path, process: subprocess.Popen, limit: float) -> bool:
    """Wait until the build creates its own staging folder; False if it finished or took too long first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if (root / f".public.staging-{process.pid}").exists():
            return True
        time.sleep(0.002)
    return False


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory):
    """A big-ish site, with complete snapshots of its output for versions A and B, and a full build's time."""
    root = make_site(tmp_path_factory.mktemp("atomic") / "site", {path(i): text(i, f"Bài viết số {i}") for i in range(N)})
    snapshots, seconds = {}, []
    for kind in ("A", "B"):
        switch(root, kind)
        started = time.monotonic()
        result = run_build(root)
        seconds.append(time.monotonic() - started)
        assert result.code == 0, result.stderr
        snapshots[kind] = snapshot(root / "public")
    assert snapshots["A"] != snapshots["B"] and len(snapshots["A"]) > 500
    return root, snapshots, max(seconds)


def test_a_killed_build_leaves_the_old_or_the_new_site_never_a_mix(two_versions) -> None:
    root, snapshots, seconds = two_versions
    rng = random.Random(20160515)
    kinds = ["A", "B"] * 5
    for trial, kind in enumerate(kinds):
        switch(root, kind)
        process = start_build(root)
        if trial % 4 < 2:
            time.sleep(rng.uniform(0.05, seconds))  # anywhere in the build
        elif wait_for_staging(root, process, seconds * 3):
            time.sleep(rng.uniform(0, seconds / 4))  # while writing the staging folder or swapping it in
        kill(process)
        found = snapshot(root / "public")
        assert found in (snapshots["A"], snapshots["B"]), f"trial {trial}: the output is neither version A nor version B"
    result = run_build(root)
    assert result.code == 0, result.stderr
    assert snapshot(root / "public") == snapshots[kinds[-1]]
    assert staging_folders(root) == []


def test_a_build_killed_between_the_renames_of_the_fallback_swap_gets_the_old_site_back(tmp_path: Path) -> None:
    # Where renameat2 is missing, the old site is renamed aside before the new one takes its place;
    # this is what a kill between those two renames leaves. The next build, even a failing one, restores it.
    root = make_site(tmp_path / "site", {"content/tin-tuc/a.md": article("Bài a")})
    assert run_build(root).code == 0
    old = snapshot(root / "public")
    (root / "public").rename(root / ".public.staging-old-999999999")
    (root / ".public.staging-999999999/tin-tuc").mkdir(parents=True)
    (root / "content/tin-tuc/hong.md").write_text("không có phần thông tin\n", encoding="utf-8")
    result = run_build(root)
    assert result.code == 1 and "content/tin-tuc/hong.md:1:" in result.stderr
    assert snapshot(root / "public") == old
    assert staging_folders(root) == []
