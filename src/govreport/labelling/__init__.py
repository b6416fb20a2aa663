"""The learned field labeller: a character-level token classifier (ONNX, run with
onnxruntime) whose spans feed section finding, table row labels and prose facts,
beside the rules (``labeller.py`` says who decides when).

Nothing here imports torch or transformers; training lives in ``training/``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govreport.schema import ReportResult

MODES = ("rules", "model", "hybrid")


def labelled_extractor(mode: str) -> Callable[[str], ReportResult]:
    """``pipeline.extract`` with ``labeller=mode``: a batch worker's extractor (picklable via functools.partial)."""
    from govreport.pipeline import extract

    return functools.partial(extract, labeller=mode)  # type: ignore[arg-type]
