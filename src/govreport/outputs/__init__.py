"""Outputs chosen by the ``-o`` file's extension, all made from the run's JSONL journal.

``.jsonl`` (or ``.ndjson``) is the journal itself. ``.parquet``,
``.csv``, ``.xlsx`` and ``.duckdb`` are tables exported from the journal
``OUT.jsonl`` kept beside them (e.g. ``out.parquet.jsonl``) once the run ends:
those formats cannot be appended to safely, so the journal is what makes a run
resumable and the tables are rewritten from it, each to a temporary file first
and then moved into place, so an interrupted export leaves the last good one.
The corrections journal beside it (``govreport.corrections``) is applied as the
tables are written.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

EXPORT_SUFFIXES = frozenset({".parquet", ".csv", ".xlsx", ".duckdb"})


def is_export(output: Path) -> bool:
    return output.suffix.lower() in EXPORT_SUFFIXES


def journal_path(output: Path) -> Path:
    """Where a run writing ``output`` keeps its JSONL journal."""
    return output.with_name(output.name + ".jsonl") if is_export(output) else output


def _temporary(path: Path) -> Path:
    """Where ``path`` is written first: one file per writer, so two exports at once (a run, the review
    app) never write into each other's file; the last to finish is the table left."""
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def replace_from_temporary(targets: list[Path], write: Callable[..., None], records: Iterable[dict[str, Any]]) -> None:
    temporaries = [_temporary(target) for target in targets]
    for tmp in temporaries:
        tmp.unlink(missing_ok=True)  # DuckDB will not open a half-written file as a new database
    try:
        write(records, *temporaries)
        for tmp, target in zip(temporaries, targets, strict=True):
            os.replace(tmp, target)
    finally:
        for tmp in temporaries:
            tmp.unlink(missing_ok=True)


def _writer(output: Path) -> tuple[Callable[..., None], list[Path]]:
    """The writer for ``output``'s format and the files it makes (imported late: each pulls a big library)."""
    suffix = output.suffix.lower()
    if suffix == ".parquet":
        from govreport.outputs.parquet import wide_path, write_parquet

        return write_parquet, [output, wide_path(output)]
    if suffix == ".duckdb":
        from govreport.outputs.database import write_duckdb

        return write_duckdb, [output]
    from govreport.outputs.spreadsheet import write_csv, write_xlsx

    return (write_xlsx if suffix == ".xlsx" else write_csv), [output]


def export(output: Path) -> list[Path]:
    """Write ``output`` (and its companions) from its journal; return the files written."""
    from govreport.corrections import corrected_records

    write, targets = _writer(output)
    replace_from_temporary(targets, write, corrected_records(journal_path(output)))
    return targets
