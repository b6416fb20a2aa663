"""Local engines: in this process (serial), or a pool of worker processes.

The pool keeps only a few tasks per worker in flight, pulling the next task as
one finishes, so memory does not grow with the batch. A worker that dies (killed,
out of memory, a crash in native code) breaks the pool: the pool is rebuilt and
the documents that were in flight are retried one at a time, so only one that
kills a worker on its own gets an error record, and every other goes through.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from govreport import __version__
from govreport.batch.work import Done, ExtractorFactory, Task, extractor_for, init_worker, run_task
from govreport.schema import ReportResult

IN_FLIGHT_PER_WORKER = 4  # enough to keep workers busy while the parent writes; few enough to stay small
WORKER_DIED = "internal error: the worker process extracting this document died"


def run_serial(tasks: Iterable[Task], factory: ExtractorFactory = extractor_for) -> Iterator[Done]:
    init_worker(factory)
    for task in tasks:
        yield run_task(task)


def _pool(workers: int, factory: ExtractorFactory) -> ProcessPoolExecutor:
    # forkserver/spawn, not fork: the parent runs a progress thread, and forking a threaded process can deadlock
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(factory, workers))


def _failed(task: Task, error: str) -> Done:
    return Done.of(ReportResult(doc=task.doc, error=error, tool_version=__version__), task.sha256)


def _is_broken(future: Future[Done]) -> bool:
    return isinstance(future.exception(), BrokenProcessPool)


def _outcomes(
    finished: Iterable[Future[Done]], in_flight: dict[Future[Done], tuple[Task, bool]]
) -> tuple[list[Done], list[tuple[Task, bool]]]:
    """Results of finished futures, and the tasks lost with a broken pool."""
    done: list[Done] = []
    lost: list[tuple[Task, bool]] = []
    for future in finished:
        task, alone = in_flight.pop(future)
        error = future.exception()
        if isinstance(error, BrokenProcessPool):
            lost.append((task, alone))
        elif error is not None:  # extract never raises; this is the pool failing to ship the task
            done.append(_failed(task, f"internal error: {type(error).__name__}: {error}"))
        else:
            done.append(future.result())
    return done, lost


class _Scheduler:
    """Which task to run next: suspects of a worker's death first, alone; then fresh tasks."""

    def __init__(self, tasks: Iterable[Task], workers: int) -> None:
        self._fresh = iter(tasks)
        self._suspects: deque[Task] = deque()
        self._limit = workers * IN_FLIGHT_PER_WORKER

    def limit(self) -> int:
        return 1 if self._suspects else self._limit

    def next(self) -> tuple[Task, bool] | None:
        """The next task and whether it runs alone (as a suspect)."""
        if self._suspects:
            return self._suspects.popleft(), True
        task = next(self._fresh, None)
        return None if task is None else (task, False)

    def suspect(self, tasks: Iterable[Task]) -> None:
        self._suspects.extend(tasks)


def run_processes(tasks: Iterable[Task], workers: int, factory: ExtractorFactory = extractor_for) -> Iterator[Done]:
    scheduler = _Scheduler(tasks, workers)
    pool = _pool(workers, factory)
    in_flight: dict[Future[Done], tuple[Task, bool]] = {}
    try:
        while True:
            while len(in_flight) < scheduler.limit() and (item := scheduler.next()) is not None:
                in_flight[pool.submit(run_task, item[0])] = item
            if not in_flight:
                return
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            if any(_is_broken(future) for future in finished):
                finished, _ = wait(in_flight)  # the pool is gone: every future in flight ends now
            done, lost = _outcomes(finished, in_flight)
            yield from done
            if lost:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _pool(workers, factory)
                yield from (_failed(task, WORKER_DIED) for task, alone in lost if alone)
                scheduler.suspect(task for task, alone in lost if not alone)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
