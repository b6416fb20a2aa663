"""Typed options of one extraction: who labels, and the limits that bound one document's work.

``Limits`` are per document (time, memory, pages, pixels, grid cells, rules,
unzipped size, digit runs, lines). A document over one gets an error record
naming the limit and its value (``LimitExceeded``); the batch goes on. The
limits in force in a process are set around each document with
``limits_in_force`` and read where the work happens with ``active_limits``, so
the ingest stages need no extra argument threaded through every call.
"""

from __future__ import annotations

import contextvars
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields

from govreport.errors import LimitExceeded


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may cost. Defaults fit real reports many times over; 0 turns a limit off."""

    seconds: float = 300.0  # wall time of one document in a worker
    memory_mb: int = 2048  # resident memory of one worker process
    pages: int = 1000  # pages of a PDF, frames of an image
    page_pixels: int = 60_000_000  # pixels of one page rendered for OCR (A4 at 200 dpi: 3.9 million)
    table_cells: int = 100_000  # grid slots of one table (rows × columns its spans cover)
    rules_per_page: int = 10_000  # drawn rules of one PDF page that grid finding looks at
    unzipped_mb: int = 256  # uncompressed size of an Office file's parts
    digit_run: int = 200  # digits in one unbroken run (a number, an ID)
    lines: int = 100_000  # text lines and table rows of one document

    def check(self, name: str, value: float) -> None:
        """Raise ``LimitExceeded`` when ``value`` is over the limit called ``name``."""
        limit = getattr(self, name)
        if limit and value > limit:
            raise LimitExceeded(name, value, limit)


def memory_message(limits: Limits) -> str:
    ceiling = f" ({limits.memory_mb} MB per worker; --max-memory-mb raises it)" if limits.memory_mb else ""
    return f"out of memory: the document needs more memory than it may use{ceiling}"


LIMIT_NAMES = tuple(f.name for f in fields(Limits))


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """How ``pipeline.extract`` runs one document."""

    labeller: str = "hybrid"  # rules, model or hybrid (``govreport.labelling.MODES``)
    limits: Limits = field(default_factory=Limits)
    review_below: float | None = None  # the review threshold; None: ``review.REVIEW_BELOW``


_DEFAULT_LIMITS = Limits()
_ACTIVE: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("govreport_limits", default=None)


def active_limits() -> Limits:
    """The limits of the document being extracted (the defaults outside any ``limits_in_force``)."""
    return _ACTIVE.get() or _DEFAULT_LIMITS


@contextmanager
def limits_in_force(limits: Limits) -> Iterator[Limits]:
    token = _ACTIVE.set(limits)
    try:
        yield limits
    finally:
        _ACTIVE.reset(token)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """End the work inside with ``LimitExceeded`` after ``seconds`` of wall time (an interval timer:
    only in the main thread of a POSIX process; elsewhere the batch engine's watchdog stops a worker)."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise LimitExceeded("seconds", None, seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
