"""Arrow schemas for the three row kinds and a buffer that hands rows over in fixed-size batches.

Writers (Parquet, DuckDB) receive batches of ``BATCH_ROWS`` rows, so memory stays
flat however many reports a journal holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa

from govreport.outputs.rows import FINDING_COLUMNS, REPORT_COLUMNS, VALUE_COLUMNS, ColumnType

BATCH_ROWS = 4096

_ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "box": pa.list_(pa.float64(), 4),  # x0, y0, x1, y1 in points
    "str_list": pa.list_(pa.string()),
}


def arrow_schema(columns: Iterable[tuple[str, ColumnType]]) -> pa.Schema:
    return pa.schema([pa.field(name, _ARROW_TYPES[kind]) for name, kind in columns])


REPORT_SCHEMA = arrow_schema((name, kind) for name, _, kind in REPORT_COLUMNS)
VALUE_SCHEMA = arrow_schema(VALUE_COLUMNS)
FINDING_SCHEMA = arrow_schema(FINDING_COLUMNS)


class RowBuffer:
    """Collects rows and passes them on as an Arrow table every ``BATCH_ROWS`` rows (and on ``flush``)."""

    def __init__(self, schema: pa.Schema, sink: Callable[[pa.Table], Any]) -> None:
        self.schema = schema
        self._sink = sink
        self._rows: list[dict[str, Any]] = []

    def extend(self, rows: Iterable[dict[str, Any]]) -> None:
        self._rows.extend(rows)
        if len(self._rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._sink(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []
