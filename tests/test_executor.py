"""The executor (bantin/speed/executor.py): work in order, shared state sent once, lean tasks, nothing left behind."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bantin.pipeline import BuildRequest, load_site
from bantin.speed import Speed
from bantin.speed.executor import SHARED_PREFIX, WORKER_NICENESS, RunState, SerialExecutor, WorkerPool, _states, pack, table_item
from bantin.stages.config import load_config
from sitekit import REPO, article, make_site, snapshot


def many_articles(count: int) -> dict[str, str]:
    """Articles that link to one another through their sections, dates and directives."""
    return {f"content/{'tin-tuc' if n % 3 else 'xay-dung-dang'}/bai-{n}.md":
            article(f"Bài thứ {n}", f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2015 + n % 8} 08:00",
                    body=f"Đoạn **{n}** về học tập và làm theo gương Bác. Xem [bài 1](../tin-tuc/bai-1.md).",
                    summary=f"Tóm tắt bài {n}.",
                    directives="[Chỉ thị 05]" if n % 2 else "[Kết luận 01]")
            for n in range(count)}


def loaded_site(tmp_path: Path, count: int = 30):
    """Assemble a site model in this process, as the reference build does."""
    root = make_site(tmp_path / "site", many_articles(count))
    site, _ = load_site(load_config(root), BuildRequest(root, jobs=1, use_cache=False), Speed.reference())
    return site


def unpack(packed: bytes, table: list[object]) -> list[object]:
    """Read a task as a worker does, with its run's table at hand."""
    _states.clear()
    _states["run"] = RunState(None, table)
    buffer = io.BytesIO(packed)
    pickle.load(buffer)
    return pickle.load(buffer)


def pages_and_table(site):
    """Return the article pages and the table of teasers a render sends by reference."""
    teasers = [entry.teaser for entry in site.entries]
    return [page for page in site.pages if page.template == "article.html"], teasers, {id(t): i for i, t in enumerate(teasers)}


def test_pages_sent_by_reference_come_back_equal_and_share_one_copy_of_each_teaser(tmp_path: Path) -> None:
    pages, teasers, places = pages_and_table(loaded_site(tmp_path))
    first, second = (unpack(pack(("run",), batch, places, teasers), teasers) for batch in (pages[:15], pages[15:]))
    assert first + second == pages
    shown = [teaser for page in first + second for teaser in page.data.related + page.data.others]
    assert shown and all(any(teaser is t for t in teasers) for teaser in shown)  # the table's own objects


def test_a_task_names_a_teaser_instead_of_carrying_it(tmp_path: Path) -> None:
    pages, teasers, places = pages_and_table(loaded_site(tmp_path))
    page = next(page for page in pages if page.data.related)
    lean, whole = pack(("run",), [page], places, teasers), pack(("run",), [page], {}, ())
    title = page.data.related[0].title.encode()
    assert title in whole and title not in lean


def test_a_task_carries_an_articles_body_once_with_where_its_links_point(tmp_path: Path) -> None:
    pages, teasers, places = pages_and_table(loaded_site(tmp_path))
    page = pages[0]
    assert 'href="bantin:tin-tuc/bai-1.md"' in page.data.article.body_html  # the record as parsed, not a resolved copy
    assert page.data.links == (("tin-tuc/bai-1.md", "/ban-tin/tin-tuc/bai-thu-1/", None),)
    packed = pack(("run",), [page], places, teasers)
    assert packed.count("làm theo gương Bác".encode()) == 1
    assert unpack(packed, teasers)[0].data.body_html == page.data.body_html


def test_a_teaser_missing_from_the_table_travels_whole(tmp_path: Path) -> None:
    pages, teasers, places = pages_and_table(loaded_site(tmp_path))
    page = next(page for page in pages if page.data.related)
    stranger = replace(page.data.related[0], title="Một bài không có trong bảng")
    changed = replace(page, data=replace(page.data, related=(stranger,)))
    assert unpack(pack(("run",), [changed], places, teasers), teasers) == [changed]
    assert table_item("run", 0) is teasers[0]


def square(offset: int, number: int) -> int:
    """Square a number, plus what the run prepared (in a worker)."""
    return offset + number * number


def plus_one(shared: int) -> int:
    """Prepare a run: its shared number, plus one."""
    return shared + 1


def test_results_come_back_in_order_in_one_process_and_across_the_workers() -> None:
    with WorkerPool(2) as workers:
        assert list(workers.run(square, list(range(500)), 9, plus_one)) == [10 + n * n for n in range(500)]
        assert list(workers.run(square, list(range(5)), 0, plus_one)) == [1, 2, 5, 10, 17]  # few: done here
    assert list(SerialExecutor().run(square, list(range(5)), 0, plus_one)) == [1, 2, 5, 10, 17]


def niceness(_: object, __: object) -> int:
    """Return this process's niceness (in a worker)."""
    return os.nice(0)


def test_the_workers_let_the_parent_go_first() -> None:
    parent = os.nice(0)
    with WorkerPool(2) as workers:
        assert set(workers.run(niceness, list(range(400)), 0, plus_one)) == {min(parent + WORKER_NICENESS, 19)}
    assert os.nice(0) == parent  # the parent itself keeps its priority


def test_a_parallel_build_leaves_no_temporary_file_behind_and_clears_what_a_killed_one_left(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(230))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    stale = temporary / f"{SHARED_PREFIX}999999999-0123456789abcdef-x.pickle"  # a build killed long ago (no such process)
    stale.write_bytes(b"old")
    env = dict(os.environ, TMPDIR=str(temporary))
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", "2"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert list(temporary.iterdir()) == []
    one = make_site(tmp_path / "one", many_articles(230))
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(one), "--jobs", "1", "--no-cache"], check=True,
                   capture_output=True, timeout=300)
    assert snapshot(root / "public") == snapshot(one / "public")


def test_a_build_with_no_temporary_folder_to_write_in_still_builds_in_parallel(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(230))
    script = ("import runpy, sys, tempfile; tempfile.tempdir = sys.argv[1]; "  # a folder that is not there: nothing can be written
              "sys.argv = ['build.py', '--root', sys.argv[2], '--jobs', '2']; runpy.run_path(sys.argv[0], run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "missing"), str(root)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    one = make_site(tmp_path / "one", many_articles(230))
    subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(one), "--jobs", "1", "--no-cache"], check=True,
                   capture_output=True, timeout=300)
    assert snapshot(root / "public") == snapshot(one / "public")
