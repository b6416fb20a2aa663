"""The panel as a file, format by extension, each written to a temporary file moved into place.

| ``-o`` | what is written |
|---|---|
| ``panel.parquet`` | the panel; its findings beside it in ``panel.findings.parquet`` |
| ``panel.csv`` | the panel under Chinese headers (UTF-8 with BOM); findings in ``panel.findings.csv`` |
| ``panel.xlsx`` | sheets 面板 (the panel), 发现 (findings) and 字段 (each header beside its column name) |
| ``panel.duckdb`` | tables ``panel`` and ``panel_findings`` |
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govreport.outputs import replace_from_temporary
from govreport.outputs.rows import HEADERS
from govreport.panel.build import FINDING_COLUMNS, PANEL_COLUMNS, Panel

PANEL_SUFFIXES = (".parquet", ".csv", ".xlsx", ".duckdb")
PANEL_NAMES = tuple(name for name, _, _ in PANEL_COLUMNS)
PANEL_HEADERS = {**HEADERS, **{name: header for name, header, _ in PANEL_COLUMNS}}
FINDING_NAMES = tuple(name for name, _ in FINDING_COLUMNS)
PANEL_SHEET, FINDING_SHEET, KEY_SHEET = "面板", "发现", "字段"


def findings_path(path: Path) -> Path:
    """``panel.parquet`` -> ``panel.findings.parquet`` (Parquet and CSV hold one table per file)."""
    return path.with_name(f"{path.stem}.findings{path.suffix}")


def _finding_rows(panel: Panel) -> list[dict[str, Any]]:
    return [finding.row() for finding in panel.findings]


def _write_parquet(panel: Panel, panel_tmp: Path, findings_tmp: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from govreport.outputs.arrow import arrow_schema

    schema = arrow_schema((name, kind) for name, _, kind in PANEL_COLUMNS)
    pq.write_table(pa.Table.from_pylist(panel.rows, schema=schema), panel_tmp, compression="zstd")
    findings = pa.Table.from_pylist(_finding_rows(panel), schema=arrow_schema(FINDING_COLUMNS))
    pq.write_table(findings, findings_tmp, compression="zstd")


def _write_duckdb(panel: Panel, path: Path) -> None:
    import duckdb
    import pyarrow as pa

    from govreport.outputs.arrow import arrow_schema

    tables = {
        "panel": pa.Table.from_pylist(panel.rows, schema=arrow_schema((n, k) for n, _, k in PANEL_COLUMNS)),
        "panel_findings": pa.Table.from_pylist(_finding_rows(panel), schema=arrow_schema(FINDING_COLUMNS)),
    }
    con = duckdb.connect(str(path))
    try:
        for name, table in tables.items():
            con.register("source", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM source')
            con.unregister("source")
    finally:
        con.close()


def _cell(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, list) else value


def _table_rows(rows: list[dict[str, Any]], names: Sequence[str]) -> list[list[Any]]:
    return [[_cell(row[name]) for name in names] for row in rows]


def _write_csv(panel: Panel, panel_tmp: Path, findings_tmp: Path) -> None:
    tables = (
        (panel_tmp, [PANEL_HEADERS[n] for n in PANEL_NAMES], _table_rows(panel.rows, PANEL_NAMES)),
        (findings_tmp, list(FINDING_NAMES), _table_rows(_finding_rows(panel), FINDING_NAMES)),
    )
    for path, header, rows in tables:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)


def _write_xlsx(panel: Panel, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheets = (
        (PANEL_SHEET, [PANEL_HEADERS[n] for n in PANEL_NAMES], _table_rows(panel.rows, PANEL_NAMES)),
        (FINDING_SHEET, list(FINDING_NAMES), _table_rows(_finding_rows(panel), FINDING_NAMES)),
        (KEY_SHEET, ["列名", "字段"], [[PANEL_HEADERS[n], n] for n in PANEL_NAMES]),
    )
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "B2"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)


def write_panel(panel: Panel, output: Path) -> list[Path]:
    """Write ``panel`` to ``output`` by its extension; return the files written."""
    suffix = output.suffix.lower()
    if suffix not in PANEL_SUFFIXES:
        raise ValueError(f"panel output must end in {', '.join(PANEL_SUFFIXES)}: {output}")
    output.parent.mkdir(parents=True, exist_ok=True)
    writers = {".parquet": _write_parquet, ".csv": _write_csv, ".xlsx": _write_xlsx, ".duckdb": _write_duckdb}
    targets = [output, findings_path(output)] if suffix in (".parquet", ".csv") else [output]
    # replace_from_temporary hands its writer records to stream; the panel is already built
    replace_from_temporary(targets, lambda _, *tmp: writers[suffix](panel, *tmp), ())
    return targets
