"""The executor (bantin/speed/executor.py): work in order, on workers that are sent their tasks or inherit them."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bantin.pipeline import BuildRequest, load_site
from bantin.speed import Speed
from bantin.problems import BuildError
from bantin.speed.executor import WORKER_DIED, WORKER_NICENESS, SerialExecutor, WorkerPool
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


def test_an_entry_keeps_its_article_as_parsed_with_where_its_links_point(tmp_path: Path) -> None:
    page = next(page for page in loaded_site(tmp_path).pages if page.template == "article.html")
    assert 'href="bantin:tin-tuc/bai-1.md"' in page.data.article.body_html  # the record as parsed, not a resolved copy
    assert page.data.links == (("tin-tuc/bai-1.md", "/ban-tin/tin-tuc/bai-thu-1/", None),)
    assert 'href="/ban-tin/tin-tuc/bai-thu-1/"' in page.data.body_html  # resolved where it is read


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
        assert list(workers.forked(square, list(range(500)), 9, plus_one)) == [10 + n * n for n in range(500)]
        assert list(workers.run(square, list(range(300)), 0, plus_one)) == [1 + n * n for n in range(300)]  # a new pool
    assert list(SerialExecutor().run(square, list(range(5)), 0, plus_one)) == [1, 2, 5, 10, 17]
    assert list(SerialExecutor().forked(square, list(range(5)), 0, plus_one)) == [1, 2, 5, 10, 17]


class Unpicklable:
    """A value pickle refuses: it can reach a worker only by being inherited."""

    def __init__(self, number: int) -> None:
        self.number, self.lock = number, threading.Lock()


def unpicklable_square(offset: int, item: Unpicklable) -> tuple[int, int]:
    """Square an inherited item's number, and say which process did it (in a worker), taking as long as a page."""
    time.sleep(0.001)
    return offset + item.number ** 2, os.getpid()


def shared_offset(shared: Unpicklable) -> int:
    """Prepare a run from shared state that could not have been pickled."""
    return shared.number


def test_a_forked_run_inherits_its_items_and_shared_state_and_this_process_is_one_of_its_jobs() -> None:
    items = [Unpicklable(n) for n in range(400)]
    with pytest.raises(Exception):
        pickle.dumps(items[0])
    for jobs in (2, 3):
        with WorkerPool(jobs) as workers:
            workers.start()
            done = list(workers.forked(unpicklable_square, items, Unpicklable(7), shared_offset))
            assert workers.pool is None  # the parse workers were stopped before the render's were forked
        assert [value for value, _ in done] == [7 + n * n for n in range(400)]
        doers = {pid for _, pid in done}
        assert os.getpid() in doers and len(doers) == jobs  # this process is one of the jobs: jobs - 1 workers were forked


TEST_PROCESS = os.getpid()


def dies_at_250(_: object, number: int) -> int:
    """Stand for a worker the system kills (out of memory) halfway through a run: the first worker past item 250 dies
    (this process takes part in a forked run, and must not)."""
    if number >= 250 and os.getpid() != TEST_PROCESS:
        os._exit(9)
    time.sleep(0.001)  # as long as a page takes, so that the workers get their share
    return number


def fails_at_250(_: object, number: int) -> int:
    """Stand for an engine bug met halfway through a run."""
    if number == 250:
        raise ZeroDivisionError("bug")
    return number


@pytest.mark.parametrize("call", ["run", "forked"])
def test_a_dead_worker_stops_a_run_with_the_message_and_an_engine_bug_keeps_its_own_error(call: str) -> None:
    with WorkerPool(2) as workers:
        with pytest.raises(BuildError) as stopped:
            list(getattr(workers, call)(dies_at_250, list(range(400)), 0, plus_one))
        assert list(stopped.value.problems) == [WORKER_DIED]
        with pytest.raises(ZeroDivisionError, match="bug"):
            list(getattr(workers, call)(fails_at_250, list(range(400)), 0, plus_one))
        assert list(workers.run(square, list(range(300)), 0, plus_one))[-1] == 1 + 299 * 299  # the pool starts again


def niceness(_: object, __: object) -> int:
    """Return this process's niceness (in a worker)."""
    return os.nice(0)


def test_the_workers_let_the_parent_go_first() -> None:
    parent = os.nice(0)
    with WorkerPool(2) as workers:
        assert set(workers.run(niceness, list(range(400)), 0, plus_one)) == {min(parent + WORKER_NICENESS, 19)}
    assert os.nice(0) == parent  # the parent itself keeps its priority


def test_a_parallel_build_writes_what_the_reference_build_writes(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", many_articles(230))
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--jobs", "2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
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
