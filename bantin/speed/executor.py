"""The executor: a stage's work run in this process, or on worker processes.

Both kinds offer two calls with one meaning: `run(work, items, shared, prepare)` and
`forked(...)` return `work(prepare(shared), item)` for every item, in order. `prepare` runs
once per process and run (a Markdown engine, compiled templates). They differ in how the
work reaches the workers:

- `run` sends it to workers forked at the start of the build, while the parent holds nothing
  but the configuration: each task carries its items and `shared`, pickled. For the parse,
  whose items are small (a file's path and stat) and whose results must come back anyway.
- `forked` forks fresh workers for one run, which inherit the items and `shared` as they are
  in memory: only the bounds of each chunk travel, and the results come back. For the render,
  whose items are the whole site model (66 MB of pages for 10,000 articles, which took longer
  to pickle and unpickle than to write) and whose results are small. This process works on
  the run too, as one of its `jobs`, taking a chunk whenever it would otherwise wait: so
  `jobs - 1` workers are forked. Each forked worker maps every page of the parent, and its
  resident size counts them again (bench/README.md: peak RSS and PSS): one worker fewer is a
  whole model less in that count, and no slower, since the parent had a core idle.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import secrets
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from ..problems import BuildError, Problem

P = TypeVar("P")
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
PARALLEL_THRESHOLD = 200  # fewer items than this are not worth the trip to a worker
IN_FLIGHT = 3  # chunks handed out ahead per worker: one under way, the next ones queued
PARENT_CHECK_SECONDS = 0.5  # how often a worker looks whether its parent is still there
WORKER_NICENESS = 5  # a worker's share of a core it contends for with the parent: about a quarter
WORKER_DIED = Problem("(tiến trình dựng)", 0, "Một tiến trình dựng song song bị dừng đột ngột (hết bộ nhớ, bị kill, "
                      "hoặc một tệp làm thư viện đổ vỡ), nên bản dựng không thể hoàn tất.",
                      "Dựng lại; nếu lỗi lặp lại, chạy python3 build.py --jobs 1 --debug để biết tệp nào gây ra, "
                      "và kiểm tra bộ nhớ còn trống.")
_prepared: dict[str, Any] = {}  # in a worker: what it prepared for the run under way (the last run's is forgotten)
_inherited: tuple[Any, ...] | None = None  # in the parent while it forks a run's workers, and in them (see forked)


class SerialExecutor:
    """Run every item in this process: the reference build, and small sites."""

    jobs = 1

    def start(self) -> SerialExecutor:
        """Nothing to start."""
        return self

    def run(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P]) -> Iterator[R]:
        """Return work(prepare(shared), item) for every item, in order."""
        prepared = prepare(shared)
        return (work(prepared, item) for item in items)

    def forked(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P]) -> Iterator[R]:
        """Return work(prepare(shared), item) for every item, in order (see the module's docstring)."""
        return SerialExecutor.run(self, work, items, shared, prepare)

    def close(self) -> None:
        """Nothing to stop."""

    def terminate(self) -> None:
        """Nothing to stop."""

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        pass


class WorkerPool(SerialExecutor):
    """Run many items on `jobs` forked worker processes; few items still run here."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def start(self) -> WorkerPool:
        """Fork the workers that `run` uses now, while this process is small (where fork exists)."""
        if self.pool is None and can_fork():
            self.pool = fork_workers(self.jobs)
        return self

    def run(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P]) -> Iterator[R]:
        """Return work(prepare(shared), item) for every item, in order, on the pool's workers when there are many."""
        if len(items) < PARALLEL_THRESHOLD or self.start().pool is None:
            return super().run(work, items, shared, prepare)
        token = secrets.token_hex(8)  # a worker never takes what it prepared for an earlier run for this one's
        chunked = ((run_chunk, token, prepare, shared, work, chunk) for chunk in chunks(items, self.chunk_size(items)))
        return guarded(self.results(self.pool, chunked), self.terminate)

    def forked(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P]) -> Iterator[R]:
        """Return work(prepare(shared), item) for every item, in order, here and on `jobs - 1` workers forked for this run
        (the pool's are stopped first: they hold memory, and nothing else runs meanwhile)."""
        if len(items) < PARALLEL_THRESHOLD or self.jobs < 2 or not can_fork():
            return super().run(work, items, shared, prepare)
        self.close()
        global _inherited
        _inherited = (work, items, shared, prepare)
        gc.freeze()  # a worker's collector never walks what it inherited: touching all of it would copy every page
        try:
            pool = fork_workers(self.jobs - 1)
        finally:
            gc.unfreeze()
            _inherited = None
        size = self.chunk_size(items)
        bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        made = self.shared_results(pool, bounds, Alongside(work, items, shared, prepare))
        return guarded(made, lambda: pool.shutdown(wait=True, cancel_futures=True), pool.shutdown)

    def chunk_size(self, items: Sequence[Any]) -> int:
        """Return how many items a task holds: enough that a task is worth its trip, few enough to share the work evenly."""
        return max(1, min(64, len(items) // (self.jobs * 8)))

    def results(self, pool: ProcessPoolExecutor, tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]:
        """Hand the tasks to the pool a few ahead, and yield their results in order."""
        tasks = iter(tasks)
        in_flight: deque[Future] = deque(pool.submit(*task) for task in islice(tasks, IN_FLIGHT * self.jobs))
        while in_flight:
            results = in_flight.popleft().result()
            in_flight.extend(pool.submit(*task) for task in islice(tasks, 1))
            yield from results

    def shared_results(self, pool: ProcessPoolExecutor, bounds: list[tuple[int, int]], here: Alongside) -> Iterator[Any]:
        """Yield every chunk's results in order: the workers are kept a few chunks ahead, and this process takes the
        next chunk itself whenever the first one due is not ready."""
        tasks, ahead = iter(bounds), IN_FLIGHT * (self.jobs - 1)
        due: deque[Future | list[Any]] = deque()  # each chunk's future, or its results made here, in order
        while True:
            while sum(isinstance(slot, Future) and not slot.done() for slot in due) < ahead and (task := next(tasks, None)):
                due.append(pool.submit(run_inherited, *task))
            while due and (isinstance(due[0], list) or due[0].done()):
                slot = due.popleft()
                yield from slot if isinstance(slot, list) else slot.result()
            if not due:
                return
            task = next(tasks, None)
            if task is not None:
                due.append(here.chunk(*task))
            else:
                yield from due.popleft().result()  # nothing left to do here: wait for the workers

    def close(self) -> None:
        """Let the pool's workers finish and exit."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def terminate(self) -> None:
        """Stop the pool's workers: no new task starts, and the tasks under way (a few files each) finish first."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.close() if kind is None else self.terminate()


def guarded(results: Iterator[R], stop: Callable[[], None], done: Callable[[], None] = lambda: None) -> Iterator[R]:
    """Yield a run's results; `stop` its workers after an error (a dead worker stops the build with WORKER_DIED), and
    call `done` when the caller has every result it wants."""
    try:
        yield from results
    except GeneratorExit:  # the caller has all it wanted (zip stops one item early)
        done()
        raise
    except BrokenProcessPool:
        stop()
        raise BuildError([WORKER_DIED]) from None
    except BaseException:
        stop()  # so that no worker goes on writing while the build unwinds
        raise
    done()


def can_fork() -> bool:
    """Tell whether workers can be forked here (not on Windows; elsewhere every build runs in one process)."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_workers(jobs: int) -> ProcessPoolExecutor:
    """Fork `jobs` workers now, each a copy of this process as it is."""
    pool = ProcessPoolExecutor(jobs, multiprocessing.get_context("fork"), initializer=start_worker)
    pool.submit(os.getpid)  # with fork, the first task forks every worker at once, here
    return pool


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Split items into lists of at most `size`."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_chunk(token: str, prepare: Callable[[Any], Any], shared: Any, work: Callable[[Any, Any], Any], chunk: list[Any]) -> list[Any]:
    """Run one chunk of a run's items in a worker, preparing the run's shared state the first time."""
    if token not in _prepared:
        _prepared.clear()
        _prepared[token] = prepare(shared)
    return [work(_prepared[token], item) for item in chunk]


class Alongside:
    """A forked run's share done in this process: its items' work, prepared here the first time."""

    def __init__(self, work: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any, prepare: Callable[[Any], Any]) -> None:
        self.work, self.items, self.shared, self.prepare = work, items, shared, prepare
        self.prepared: list[Any] = []

    def chunk(self, start: int, stop: int) -> list[Any]:
        """Run items start..stop here."""
        if not self.prepared:
            self.prepared.append(self.prepare(self.shared))
        return [self.work(self.prepared[0], item) for item in self.items[start:stop]]


def run_inherited(start: int, stop: int) -> list[Any]:
    """Run items start..stop of the run this worker inherited, preparing its shared state the first time."""
    work, items, shared, prepare = _inherited
    if "inherited" not in _prepared:
        _prepared["inherited"] = prepare(shared)
    return [work(_prepared["inherited"], item) for item in items[start:stop]]


def start_worker() -> None:
    """Set up a worker process: collect cycles as usual, and let the parent go first when both want a core.

    The workers wait for the parent between stages (it assembles the site model, hands out
    the tasks, takes the results): given the first turn, it holds them up less, and they still
    get every cycle it leaves. On an editor's machine the build also yields to the desktop.
    """
    gc.enable()  # the parent pauses collection during a build (see pipeline.build)
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: the build is only slower
        pass
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), name="exit-with-parent", daemon=True).start()


def exit_with_parent(parent: int) -> None:
    """Exit once the process that forked this worker is gone (killed, or `serve`'s terminal closed): nothing can send
    it work any more, and it would otherwise wait for some, holding its memory, until the machine stops."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
