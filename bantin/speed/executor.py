"""The executor: a stage's work run in this process, or on worker processes forked while the parent is small.

Both kinds offer one call, `run(work, items, shared, prepare, by_reference=())`: it returns
`work(prepare(shared), item)` for every item, in order. `prepare` runs once per process and
build (a Markdown engine, compiled templates); `shared` reaches each worker once, through a
temporary file, and so do the objects listed in `by_reference` (teasers, which a dozen pages
each show): a task names them by their place instead of carrying a copy.

A forked child starts as a copy of its parent, and the memory it shares is counted again
in its resident size. So the pool is forked at the start of a build, before the parent
holds any content, and the same workers parse every file and later render the pages.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import pickle
import re
import secrets
import tempfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

from ..problems import BuildError, Problem
from .packing import TaskPickler
from ..stages.write import process_alive

P = TypeVar("P")
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")
IN_FLIGHT = 3  # chunks sent ahead per worker: one under way, the next ones queued
PARALLEL_THRESHOLD = 200  # fewer items than this are not worth the trip to a worker
WORKER_NICENESS = 5  # a worker's share of a core it contends for with the parent: about a quarter
SHARED_PREFIX = "bantin-shared-"
WORKER_DIED = Problem("(tiến trình dựng)", 0, "Một tiến trình dựng song song bị dừng đột ngột (hết bộ nhớ, bị kill, "
                      "hoặc một tệp làm thư viện đổ vỡ), nên bản dựng không thể hoàn tất.",
                      "Dựng lại; nếu lỗi lặp lại, chạy python3 build.py --jobs 1 --debug để biết tệp nào gây ra, "
                      "và kiểm tra bộ nhớ còn trống.")
_states: dict[str, RunState] = {}  # in a worker: the run under way (see state_of)


class SerialExecutor:
    """Run every item in this process: the reference build, and small sites."""

    jobs = 1

    def start(self) -> SerialExecutor:
        """Nothing to start."""
        return self

    def run(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P],
            by_reference: Sequence[object] = ()) -> Iterator[R]:
        """Return work(prepare(shared), item) for every item, in order."""
        prepared = prepare(shared)
        return (work(prepared, item) for item in items)

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
        """Fork the workers now, while this process is small (where fork exists)."""
        if self.pool is None and "fork" in multiprocessing.get_all_start_methods():
            remove_stale_shared()
            self.pool = ProcessPoolExecutor(self.jobs, multiprocessing.get_context("fork"), initializer=start_worker)
            self.pool.submit(os.getpid)  # with fork, the first task forks every worker at once
        return self

    def run(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P],
            by_reference: Sequence[object] = ()) -> Iterator[R]:
        """Return work(prepare(shared), item) for every item, in order, across the workers when there are many."""
        if len(items) < PARALLEL_THRESHOLD or self.start().pool is None:
            return super().run(work, items, shared, prepare, by_reference)
        return self.across(work, items, shared, prepare, by_reference)

    def across(self, work: Callable[[P, T], R], items: Sequence[T], shared: S, prepare: Callable[[S], P],
               by_reference: Sequence[object]) -> Iterator[R]:
        """Send the items to the workers in chunks, with `shared` and `by_reference` in a file each reads once.

        A few chunks per worker are in flight at a time: the next is packed while the workers
        work, and the parent never holds every task at once.
        """
        token = secrets.token_hex(8)  # a worker never mistakes an older run's file for this one
        state = (shared, list(by_reference))
        file = write_shared(token, state)
        places = {id(obj): place for place, obj in enumerate(by_reference)} if file else {}
        size = max(1, min(64, len(items) // (self.jobs * 8)))
        inline = None if file else state  # no temporary folder to write in: every task carries the state (slower, the same)
        tasks = (pack((token, file, inline, prepare, work), chunk, places, by_reference) for chunk in chunks(items, size))
        try:
            in_flight = deque(self.pool.submit(run_chunk, task) for task in islice(tasks, IN_FLIGHT * self.jobs))
            while in_flight:
                results = in_flight.popleft().result()
                in_flight.extend(self.pool.submit(run_chunk, task) for task in islice(tasks, 1))
                yield from results
        except GeneratorExit:  # the caller has all it wanted (zip stops one item early): the workers stay
            raise
        except BrokenProcessPool:
            self.terminate()
            raise BuildError([WORKER_DIED]) from None
        except BaseException:
            self.terminate()  # so that no worker goes on writing while the build unwinds
            raise
        finally:
            if file is not None:
                Path(file).unlink(missing_ok=True)

    def close(self) -> None:
        """Let the workers finish and exit."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None

    def terminate(self) -> None:
        """Stop the workers: no new chunk starts, and the chunks under way (a few pages each) finish first."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.close() if kind is None else self.terminate()


def chunks(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Split items into lists of at most `size`."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def pack(header: tuple[Any, ...], chunk: list[Any], places: dict[int, int], table: Sequence[object]) -> bytes:
    """Pickle a task: what the run is, then its items, naming the objects of the run's table by their place."""
    buffer = io.BytesIO()
    pickle.dump(header, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    TaskPickler(buffer, places, table if places else (), table_item, header[0]).dump(chunk)
    return buffer.getvalue()


def table_item(token: str, place: int) -> object:
    """Return the object at `place` in the table of the run under way (in a worker)."""
    return _states[token].table[place]


def run_chunk(packed: bytes) -> list[Any]:
    """Run one chunk of a run's items in a worker, reading and preparing the run's shared state the first time."""
    buffer = io.BytesIO(packed)
    token, file, inline, prepare, work = pickle.load(buffer)
    state = state_of(token, file, inline)
    chunk = pickle.load(buffer)
    prepared = state.prepared(prepare)
    return [work(prepared, item) for item in chunk]


class RunState:
    """A run's shared state in a worker, its table of objects sent by reference, and what was prepared of it."""

    def __init__(self, shared: Any, table: list[object]) -> None:
        self.shared, self.table = shared, table
        self.made: tuple[Any] | None = None

    def prepared(self, prepare: Callable[[Any], Any]) -> Any:
        """Return prepare(shared), made once."""
        if self.made is None:
            self.made = (prepare(self.shared),)
        return self.made[0]


def state_of(token: str, file: str | None, inline: tuple[Any, list[object]] | None) -> RunState:
    """Return the state of the run under way, reading its file once per worker (the last run's is forgotten)."""
    state = _states.get(token)
    if state is None:
        if inline is None:
            with open(file, "rb") as data:
                inline = pickle.load(data)
        _states.clear()
        state = _states[token] = RunState(*inline)
    return state


def write_shared(token: str, state: object) -> str | None:
    """Write a run's shared state to a temporary file named for this process (see remove_stale_shared)."""
    try:
        handle, name = tempfile.mkstemp(prefix=f"{SHARED_PREFIX}{os.getpid()}-{token}-", suffix=".pickle")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:  # no temporary folder can be written (or it is full)
        if "name" in locals():
            Path(name).unlink(missing_ok=True)
        return None
    return name


def remove_stale_shared() -> None:
    """Delete what builds that were killed left in the temporary folder: files of processes no longer running."""
    folder = Path(tempfile.gettempdir())
    pattern = re.compile(rf"{re.escape(SHARED_PREFIX)}(\d+)-")
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(SHARED_PREFIX)]
    except OSError:
        return
    for name in names:
        match = pattern.match(name)
        if match and not process_alive(int(match.group(1))):
            (folder / name).unlink(missing_ok=True)



def start_worker() -> None:
    """Set up a worker process: collect cycles as usual, and let the parent go first when both want a core.

    The workers wait for the parent between stages (it assembles the site model, sends the
    batches, takes the results): given the first turn, it holds them up less, and they still
    get every cycle it leaves. On an editor's machine the build also yields to the desktop.
    """
    gc.enable()  # the parent pauses collection during a build (see pipeline.build)
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: the build is only slower
        pass
