"""Batch extraction: which documents still need doing, and the engine that does them.

A document is done when the journal holds a record for its path made from the
same content (SHA-256) by the same tool version and labeller mode; a rerun skips
it unless ``force``. Engines yield results as they finish: ``local`` runs in this process
(one worker) or a process pool, ``ray`` on Ray Data. All run the same
``work.run_task``, so their values are identical.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, PositiveInt

from govreport.batch.work import Done, ExtractorFactory, Task, content_sha256, extractor_for
from govreport.options import Limits
from govreport.outputs.journal import Entry

Engine = Literal["local", "ray"]
DOCS_PER_WORKER = 16  # below this many documents per worker, starting processes costs more than it saves


class BatchOptions(BaseModel):
    """How a batch runs (the CLI's options, checked)."""

    model_config = ConfigDict(frozen=True)

    engine: Engine = "local"
    workers: PositiveInt | None = None  # None: one per CPU core, fewer for small batches
    ray_address: str | None = None
    force: bool = False

    def worker_count(self, documents: int) -> int:
        if self.workers is not None:
            return self.workers
        cores = os.cpu_count() or 1
        if self.engine == "ray":
            return cores
        return max(1, min(cores, documents // DOCS_PER_WORKER))


def pending(
    files: Iterable[str],
    done: Mapping[str, Entry],
    tool_version: str,
    on_skip: Callable[[str], None],
    labeller: str = "hybrid",
) -> Iterator[Task]:
    """Tasks for the files not already done, hashed as they are reached (so work starts at once)."""
    from govreport.ingest import MAX_BYTES  # imported late: the CLI's light commands need no ingestion

    for doc in files:
        sha256 = content_sha256(doc, MAX_BYTES)
        entry = done.get(doc)
        made = (sha256, tool_version, labeller)
        if sha256 is not None and entry is not None and (entry.sha256, entry.tool_version, entry.labeller) == made:
            on_skip(doc)
            continue
        yield Task(doc, sha256)


def run(
    tasks: Iterable[Task],
    options: BatchOptions,
    workers: int,
    factory: ExtractorFactory = extractor_for,
    limits: Limits | None = None,
) -> Iterator[Done]:
    """Results of ``tasks`` in the order they finish; worker processes are held to ``limits``
    (the document limits ``factory``'s extractor runs under)."""
    if options.engine == "ray":
        from govreport.batch.ray_engine import run_ray

        return run_ray(tasks, workers, options.ray_address, factory)
    from govreport.batch.local import run_processes, run_serial

    return run_serial(tasks, factory) if workers == 1 else run_processes(tasks, workers, factory, limits)


__all__ = ["BatchOptions", "Done", "Engine", "Task", "pending", "run"]
