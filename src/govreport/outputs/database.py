"""DuckDB: tables ``reports`` (wide, one row per report), ``values`` (long, one per value) and ``findings``.

``values`` is an SQL keyword: quote it (``SELECT * FROM "values"``). Key
columns of ``reports`` hold dots: quote them too (``"t3.new_received.total"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from govreport.outputs.arrow import FINDING_SCHEMA, REPORT_SCHEMA, VALUE_SCHEMA, RowBuffer
from govreport.outputs.rows import finding_rows, report_row, value_rows

TABLES: dict[str, pa.Schema] = {"reports": REPORT_SCHEMA, "values": VALUE_SCHEMA, "findings": FINDING_SCHEMA}


def _inserter(con: duckdb.DuckDBPyConnection, table: str) -> RowBuffer:
    def insert(batch: pa.Table) -> None:
        con.register("batch", batch)
        con.execute(f'INSERT INTO "{table}" SELECT * FROM batch')
        con.unregister("batch")

    return RowBuffer(TABLES[table], insert)


def write_duckdb(records: Iterable[dict[str, Any]], path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        for table, schema in TABLES.items():
            con.register("empty", schema.empty_table())  # the Arrow schema fixes the column types, rows or not
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM empty')
            con.unregister("empty")
        reports, values, findings = (_inserter(con, table) for table in TABLES)
        for record in records:
            reports.extend([report_row(record)])
            values.extend(value_rows(record))
            findings.extend(finding_rows(record))
        for buffer in (reports, values, findings):
            buffer.flush()
    finally:
        con.close()
