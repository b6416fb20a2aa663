"""Local engines: in this process (serial), or a pool of worker processes that nothing can sink.

Each worker holds one document at a time, so the parent always knows which
document a worker is on. The parent watches every worker: one over the time
limit (its own timer failed to end the document, e.g. inside native code) or
over the memory limit (resident size, read from /proc) is killed, its document
gets an error record naming the limit, and a fresh worker takes its place; the
others go on at full parallelism. A worker that dies on its own (the system's
out-of-memory killer, a crash in native code) has its document retried once on
a fresh worker; a document that kills a second worker gets an error record.

Workers cannot outlive the run: each asks the kernel to kill it when its parent
dies (Linux ``PR_SET_PDEATHSIG``) and a watchdog thread in it exits as soon as
its parent is gone (any POSIX system), however the parent ended (``kill -9``
included).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from govreport import __version__
from govreport.batch.work import Done, ExtractorFactory, Task, extractor_for, init_worker, run_task
from govreport.errors import LimitExceeded
from govreport.options import Limits, memory_message
from govreport.schema import ReportResult

POLL_SECONDS = 0.1  # how often the parent looks at its workers' time and memory
KILL_GRACE_SECONDS = 10.0  # past the time limit, before a worker that did not stop on its own is killed
ADDRESS_SPACE_FACTOR = 2  # a worker's address space may reach this many times its memory limit
START_FAILURES = 3  # workers dying before they are ready, in a row, before the run gives up
RECYCLE_SHARE = 0.6  # an idle worker holding more than this share of the memory limit is replaced
_PR_SET_PDEATHSIG = 1
WORKER_DIED = (
    "the worker process extracting this document was killed (SIGKILL), on two tries: most likely "
    "the system ran out of memory and its out-of-memory killer chose it"
)


def run_serial(tasks: Iterable[Task], factory: ExtractorFactory = extractor_for) -> Iterator[Done]:
    init_worker(factory)
    for task in tasks:
        yield run_task(task)


# ---------------------------------------------------------------- in the worker
def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does: a parent-death signal where the kernel has one,
    and a watchdog thread everywhere."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)
    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _bound_memory(limits: Limits) -> None:
    """An address-space ceiling well above the memory limit: allocation fails (MemoryError, a clean
    error record) before the machine runs short, should growth outrun the parent's watch."""
    if not limits.memory_mb:
        return
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        ceiling = limits.memory_mb * ADDRESS_SPACE_FACTOR * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))


def _serve(conn: Connection, parent: int, factory: ExtractorFactory, workers: int, limits: Limits) -> None:
    """A worker's life: protect itself, build the extractor, say it is ready, then one task at a time."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    _bound_memory(limits)
    init_worker(factory, workers)
    conn.send(None)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(run_task(task))


# ---------------------------------------------------------------- in the parent
def _context() -> multiprocessing.context.BaseContext:
    # spawn, not fork: the parent runs a progress thread (forking a threaded process can deadlock),
    # and a spawned worker's parent is this process, so it can die with it
    return multiprocessing.get_context("spawn")


def _resident_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux /proc; None elsewhere or once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _failed(task: Task, error: str) -> Done:
    return Done.of(ReportResult(doc=task.doc, error=error, tool_version=__version__), task.sha256)


def _death(exitcode: int | None) -> str:
    if exitcode == -signal.SIGKILL:
        return WORKER_DIED
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        return f"the worker process crashed ({name}) while extracting this document, on two tries"
    return f"the worker process exited (code {exitcode}) while extracting this document, on two tries"


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    task: Task | None = None
    started: float = 0.0

    def give(self, task: Task) -> None:
        self.conn.send(task)
        self.task, self.started = task, time.monotonic()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class _Pool:
    def __init__(self, workers: int, factory: ExtractorFactory, limits: Limits) -> None:
        self._context = _context()
        self._args = (factory, workers, limits)
        self.limits = limits
        self._start_failures = 0
        self.workers = [self._start() for _ in range(workers)]

    def _start(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child_end, os.getpid(), *self._args), name="govreport-worker", daemon=True
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def replace(self, worker: _Worker) -> None:
        worker.stop()
        self._start_failures = 0 if worker.ready else self._start_failures + 1
        if self._start_failures >= START_FAILURES:
            raise RuntimeError(f"worker processes die as they start (exit code {worker.process.exitcode})")
        self.workers[self.workers.index(worker)] = self._start()

    def bloated(self, worker: _Worker) -> bool:
        """Whether an idle worker kept so much memory from its last document that the next one
        could be blamed for it (Python seldom gives memory back): it is then replaced."""
        resident = _resident_mb(worker.process.pid or 0) if self.limits.memory_mb else None
        return resident is not None and resident > RECYCLE_SHARE * self.limits.memory_mb

    def over_limit(self, worker: _Worker) -> str | None:
        """The error for the document of a worker over its time or memory limit, else None."""
        limits = self.limits
        if limits.seconds and time.monotonic() - worker.started > limits.seconds + KILL_GRACE_SECONDS:
            return str(LimitExceeded("seconds", None, limits.seconds))
        resident = _resident_mb(worker.process.pid or 0) if limits.memory_mb else None
        if resident is not None and resident > limits.memory_mb:
            return memory_message(limits)
        return None

    def close(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.task is None:
                with contextlib.suppress(OSError, ValueError):
                    worker.conn.send(None)  # a clean exit where it is idle
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.stop()


def run_processes(
    tasks: Iterable[Task], workers: int, factory: ExtractorFactory = extractor_for, limits: Limits | None = None
) -> Iterator[Done]:
    """Results of ``tasks`` in the order they finish, from ``workers`` processes watched against ``limits``."""
    pool = _Pool(workers, factory, limits or Limits())
    fresh = iter(tasks)
    retries: deque[Task] = deque()  # documents whose worker died once, to try again
    tried: set[str] = set()
    exhausted = False
    try:
        while True:
            for worker in pool.workers:
                if worker.ready and worker.task is None and not (exhausted and not retries):
                    task = retries.popleft() if retries else next(fresh, None)
                    if task is None:
                        exhausted = True
                    else:
                        worker.give(task)
            if exhausted and not retries and all(w.task is None for w in pool.workers):
                return
            wait([w.conn for w in pool.workers] + [w.process.sentinel for w in pool.workers], POLL_SECONDS)
            for worker in list(pool.workers):
                done, dead = _look_at(worker, pool)
                if done is not None:
                    yield done
                if not dead:
                    continue
                lost = worker.task
                if lost is not None and lost.doc in tried:
                    yield _failed(lost, _death(worker.process.exitcode))
                elif lost is not None:
                    tried.add(lost.doc)
                    retries.append(lost)
                pool.replace(worker)
    finally:
        pool.close()


def _look_at(worker: _Worker, pool: _Pool) -> tuple[Done | None, bool]:
    """What became of a worker: a finished document, and whether it died (its task is still set).
    A worker over a limit is killed and replaced here, its document given the limit's error."""
    try:
        if worker.conn.poll():
            message = worker.conn.recv()
            if message is None:
                worker.ready = True
                return None, False
            worker.task = None
            if pool.bloated(worker):
                pool.replace(worker)
            return message, False
    except (EOFError, OSError):  # the pipe is closed: it died, or is dying
        worker.process.join(1)
        return None, True
    if not worker.process.is_alive():
        return None, True
    task = worker.task
    error = pool.over_limit(worker) if task is not None else None
    if task is None or error is None:
        return None, False
    worker.task = None
    pool.replace(worker)
    return _failed(task, error), False
