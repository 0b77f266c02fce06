"""Worker processes for the slow stages (Markdown, templates), forked while the parent is still small.

A forked child starts as a copy of its parent, and the memory it shares is counted again
in its resident size. So the pool is forked at the start of a build, before the parent
holds any content, and the same workers parse every file and later render pages: every
process stays small, and the whole build fits well under its memory budget.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from multiprocessing.pool import Pool
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
PARALLEL_THRESHOLD = 200
WORKER_NICENESS = 5  # a worker's share of a core it contends for with the parent: about a quarter
IN_FLIGHT = 3  # batches per worker sent ahead: enough to keep every worker busy


class QuietPool(Pool):
    """multiprocessing's Pool, without a helper thread that spins while results wait to be read."""

    def _get_sentinels(self) -> list:
        """Wake the pool's worker-handler thread only for a change of state, not for every waiting result.

        CPython's Pool also lists the result pipe here, so that thread loops for as long as a
        result is ready and not yet read: about 0.3 s of CPU taken from the workers in a
        10,000-article build. The thread still wakes when a worker exits (it watches each
        worker's sentinel itself) and when the pool closes or drains (the change notifier).
        """
        return [self._change_notifier._reader]


class Workers:
    """A pool of `jobs` forked processes, or none at all when one process is asked for."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: Pool | None = None

    def start(self) -> Workers:
        """Fork the workers now, while the parent is small (no-op for one job or without fork)."""
        if self.pool is None and self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            self.pool = QuietPool(self.jobs, initializer=start_worker, context=multiprocessing.get_context("fork"))
        return self

    @property
    def running(self) -> bool:
        """Tell whether the worker processes exist."""
        return self.pool is not None

    def map(self, function: Callable[[T], R], items: Sequence[T], chunk: int = 0) -> Iterator[R]:
        """Apply `function` to every item, in order, across the workers (in this process when there are none)."""
        self.start()
        if self.pool is None:
            return map(function, items)
        return self.pool.imap(function, items, chunksize=chunk or max(1, min(64, len(items) // (self.jobs * 8))))

    def start_map(self, function: Callable[[T], R], items: list[T]) -> Callable[[], list[R]]:
        """Start applying `function` to every item across the workers; return a function that waits for the results, in order."""
        self.start()
        if self.pool is None:
            results = list(map(function, items))
            return lambda: results
        return self.pool.map_async(function, items, chunksize=1).get

    def stream(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Apply `function` to every item in order, keeping only a few items in flight so results never pile up."""
        self.start()
        if self.pool is None:
            yield from map(function, items)
            return
        pending: deque = deque()
        for item in items:
            pending.append(self.pool.apply_async(function, (item,)))
            if len(pending) >= IN_FLIGHT * self.jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self) -> None:
        """Let the workers finish and exit."""
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

    def terminate(self) -> None:
        """Stop the workers at once (after an error or an interrupt)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.close() if kind is None else self.terminate()


def start_worker() -> None:
    """Set up a worker process: collect cycles as usual, and let the parent go first when both want a core.

    The workers wait for the parent between stages (it assembles the site model, sends the
    batches, takes the results): given the first turn, it holds them up less, and they still
    get every cycle it leaves. On an editor's machine the build also yields to the desktop.
    """
    gc.enable()  # see pipeline.collection_paused
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not allowed here: the build is only slower
        pass


def chunked(items: Iterable[T], size: int) -> list[list[T]]:
    """Split items into lists of at most `size`."""
    batch: list[T] = []
    chunks: list[list[T]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            chunks.append(batch)
            batch = []
    return chunks + ([batch] if batch else [])
