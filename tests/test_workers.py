"""The worker processes: results in order, and no helper thread burning CPU the workers need."""

from __future__ import annotations

import os
import threading
import time

from bantin.workers import WORKER_NICENESS, Workers


def square(number: int) -> int:
    """Square a number (in a worker)."""
    return number * number


def thread_cpu_seconds(name_part: str) -> float:
    """Return the CPU time used so far by this process's thread whose name contains `name_part`."""
    [thread] = [t for t in threading.enumerate() if name_part in t.name]
    fields = open(f"/proc/self/task/{thread.native_id}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy(seconds: float) -> None:
    """Keep this thread busy in Python code, as the build is while results arrive."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_results_come_back_in_order_from_both_ways_of_sending_work() -> None:
    with Workers(2) as workers:
        assert list(workers.map(square, range(500), chunk=7)) == [n * n for n in range(500)]
        assert list(workers.stream(square, iter(range(100)))) == [n * n for n in range(100)]
    with Workers(1) as alone:
        assert list(alone.map(square, range(5))) == [0, 1, 4, 9, 16] and not alone.running


def test_the_pools_helper_thread_sleeps_while_results_wait_to_be_read() -> None:
    # CPython's own Pool wakes this thread for every result not yet read: 0.15 s of CPU here.
    with Workers(2) as workers:
        for _ in workers.map(square, range(3000), chunk=1):
            busy(0.0005)
        assert thread_cpu_seconds("_handle_workers") < 0.05


def niceness(_: object) -> int:
    """Return this process's niceness (in a worker)."""
    return os.nice(0)


def test_the_workers_let_the_parent_go_first() -> None:
    parent = os.nice(0)
    with Workers(2) as workers:
        assert set(workers.map(niceness, range(8), chunk=1)) == {min(parent + WORKER_NICENESS, 19)}
    assert os.nice(0) == parent  # the parent itself keeps its priority
