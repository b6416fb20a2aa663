"""One unit of batch work and its result, and the per-process extractor every engine's workers share.

A worker process builds its extractor once (``init_worker``, the pool's
initializer or a Ray actor's constructor): that is where models and OCR engines
are loaded, not once per document. The result travels back as the finished
JSON line plus the few fields the run's summary counts, so the parent only
writes and counts.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from govreport.options import Limits
from govreport.resources import share_cores
from govreport.schema import ReportResult

Extractor = Callable[[str], ReportResult]
ExtractorFactory = Callable[[], Extractor]  # picklable (a module-level function or a functools.partial)
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Task:
    doc: str  # the input path as given
    sha256: str | None  # content hash; None where the file cannot be read (never counted as done)


@dataclass(frozen=True, slots=True)
class Done:
    doc: str
    line: str  # the JSON record, one line
    error: str | None
    template: str | None
    broken: tuple[tuple[str, ...], ...]  # broken identities as [table, kind, where]

    @classmethod
    def of(cls, result: ReportResult, sha256: str | None) -> Done:
        record = result.to_json_dict()
        record["content_sha256"] = sha256
        return cls(
            doc=result.doc,
            line=json.dumps(record, ensure_ascii=False),
            error=result.error,
            template=result.meta.template,
            broken=tuple(tuple(identity) for identity in result.broken_identities),
        )


def content_sha256(path: str, limit: int) -> str | None:
    """SHA-256 of the file, or None if it cannot be read or is not a regular file. A file over
    ``limit`` bytes is never read by ingestion (it is rejected for its size), so its size stands in
    for its content."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end: never opened
            return None
        size = info.st_size
        if size > limit:
            return f"size:{size}"
        digest = hashlib.sha256()
        with Path(path).open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def extractor_for(
    labeller: str = "hybrid", limits: Limits | None = None, review_below: float | None = None
) -> Extractor:
    """``pipeline.extract`` with a labeller mode, document limits and review threshold: a worker's
    extractor (``functools.partial(extractor_for, mode, limits, review_below)`` is a picklable factory;
    the labeller's model loads once per process on first use)."""
    from govreport.pipeline import extract

    return functools.partial(extract, labeller=labeller, limits=limits, review_below=review_below)  # type: ignore[arg-type]


_extractor: Extractor | None = None


def init_worker(factory: ExtractorFactory = extractor_for, workers: int = 1) -> None:
    """Build this process's extractor once (the process pool's initializer), its models
    given this worker's share of the cores."""
    global _extractor
    if workers > 1:
        share_cores(workers)
    _extractor = factory()


def run_task(task: Task) -> Done:
    if _extractor is None:
        init_worker()
    assert _extractor is not None
    return Done.of(_extractor(task.doc), task.sha256)
