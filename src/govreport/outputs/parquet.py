"""Parquet: the long form (one row per value, with provenance) and the wide form (one row per report).

``-o out.parquet`` writes the long form to ``out.parquet`` and the wide form
beside it to ``out.wide.parquet``: one choice of output, both shapes pandas and
SQL engines want.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from govreport.outputs.arrow import REPORT_SCHEMA, VALUE_SCHEMA, RowBuffer
from govreport.outputs.rows import report_row, value_rows


def wide_path(long_path: Path) -> Path:
    """``out.parquet`` -> ``out.wide.parquet``."""
    return long_path.with_name(f"{long_path.stem}.wide{long_path.suffix}")


def write_parquet(records: Iterable[dict[str, Any]], long_tmp: Path, wide_tmp: Path) -> None:
    with (
        pq.ParquetWriter(long_tmp, VALUE_SCHEMA, compression="zstd") as long_writer,
        pq.ParquetWriter(wide_tmp, REPORT_SCHEMA, compression="zstd") as wide_writer,
    ):
        values = RowBuffer(VALUE_SCHEMA, long_writer.write_table)
        reports = RowBuffer(REPORT_SCHEMA, wide_writer.write_table)
        for record in records:
            values.extend(value_rows(record))
            reports.extend([report_row(record)])
        values.flush()
        reports.flush()
