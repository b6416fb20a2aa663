"""How many threads one document's models (OCR; the labeller uses one, see labelling.runtime) may use.

A single process may use the machine's cores; a pool of N workers gives each its
share, or the workers' thread pools fight over the same cores and a second worker
adds nothing.
"""

from __future__ import annotations

import os

THREADS_ENV = "GOVREPORT_THREADS"
_MAX_THREADS = 4  # onnxruntime gains little past this on one small model


def compute_threads() -> int:
    """``GOVREPORT_THREADS`` where set, else the cores (at most 4)."""
    value = os.environ.get(THREADS_ENV, "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(os.cpu_count() or 1, _MAX_THREADS))


def share_cores(workers: int) -> None:
    """Give this worker process its share of the cores (call before any model loads)."""
    os.environ[THREADS_ENV] = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
