"""The Ray engine: the same tasks through Ray Data, on a local Ray or an existing cluster.

Each Ray actor builds its extractor once in its constructor (models load once
per actor) and turns batches of tasks into finished JSON lines; the driver
streams the lines back and writes them like the local engines do. Ray is an
optional extra (``pip install 'govreport[ray]'``); on a cluster every node needs
govreport installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from govreport.batch.work import Done, ExtractorFactory, Task, extractor_for, init_worker, run_task

BATCH_SIZE = 8  # tasks per actor call: small, so progress moves and a lost actor loses little
_DONE_SCHEMA = pa.schema(
    [
        ("doc", pa.string()),
        ("line", pa.string()),
        ("error", pa.string()),
        ("template", pa.string()),
        ("broken", pa.list_(pa.list_(pa.string()))),
    ]
)


def _row(done: Done) -> dict[str, Any]:
    return {
        "doc": done.doc,
        "line": done.line,
        "error": done.error,
        "template": done.template,
        "broken": [list(b) for b in done.broken],
    }


class _Extract:
    """A Ray Data actor: the extractor is built once, then reused for every batch."""

    def __init__(self, factory: ExtractorFactory, workers: int) -> None:
        init_worker(factory, workers)

    def __call__(self, batch: pa.Table) -> pa.Table:
        done = [run_task(Task(item["doc"], item["sha256"])) for item in batch.to_pylist()]
        return pa.Table.from_pylist([_row(d) for d in done], schema=_DONE_SCHEMA)


def _start_ray(address: str | None, workers: int) -> None:
    import ray

    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, log_to_driver=False, logging_level="warning")
    else:  # a private local Ray sized to the workers asked for
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, logging_level="warning")


def run_ray(
    tasks: Iterable[Task], workers: int, address: str | None = None, factory: ExtractorFactory = extractor_for
) -> Iterator[Done]:
    import ray.data

    items = [{"doc": task.doc, "sha256": task.sha256} for task in tasks]
    if not items:
        return
    _start_ray(address, workers)
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the CLI draws its own
    dataset = ray.data.from_items(items).map_batches(
        _Extract,
        fn_constructor_args=(factory, workers),
        batch_size=BATCH_SIZE,
        batch_format="pyarrow",
        concurrency=workers,
    )
    for batch in dataset.iter_batches(batch_size=None, batch_format="pyarrow"):
        for row in batch.to_pylist():
            yield Done(row["doc"], row["line"], row["error"], row["template"], tuple(map(tuple, row["broken"])))
