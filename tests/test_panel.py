"""The panel: agency identity, one row per agency and year, the cross-year identity, bad input, files.

Reports come from the samples and from ``eval/series.py``, which renders an
agency's consecutive years whose carried figures link up; they are extracted for
real and the panel is built from the extract outputs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from eval.series import agency_series, carry_over_changed, write_series
from govreport.cli import app
from govreport.form.catalog import APPLICANT_COLUMNS
from govreport.outputs import export, journal_path
from govreport.panel import AgencyMapping, agency_key, build_panel, resolve_agencies, write_panel
from govreport.panel.build import PANEL_COLUMNS
from govreport.panel.write import FINDING_SHEET, PANEL_SHEET, findings_path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
runner = CliRunner()


# ---------------------------------------------------------------- agency identity
def name_variants(name: str) -> list[str]:
    """Ways a title prints ``name``: width, spaces, title residue, site chrome (every body), and for a
    place's own government or zone its type in brackets or spelled out."""
    wide = name.translate({ord(c): ord(c) + 0xFEE0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"})
    variants = [
        wide,
        " ".join(name),
        f"关于{name}2023年度",
        f"{name}2021年政府信息公开工作年度报告",
        f"{name}网站",
        f"{name} - 首页",
        f"首页|{name}",
    ]
    if name.endswith(("区", "县", "市")):
        variants += [f"{name}（管委会）", f"{name}(管委会)", f"{name}管委会", f"{name}管理委员会", f"{name}人民政府"]
        variants += [f"{name}政府", f"{name}（人民政府）"]
    return variants


PLACES = ("平潭综合实验区", "淮安市洪泽区", "绥化市", "XX县")
BODIES = ("绿园区卫生健康局", "上海市科学技术委员会", "涧西区卫生健康委员会", "上海市人民政府办公厅")


@pytest.mark.parametrize("name", PLACES + BODIES)
def test_every_printed_variant_of_a_name_gets_its_key(name: str) -> None:
    for variant in name_variants(name):
        assert agency_key(variant).key == name, variant
        assert not agency_key(variant).lossy


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("绿园区卫健局", "绿园区卫生健康局"),
        ("涧西区卫健委", "涧西区卫生健康委员会"),
        ("上海市科委", "上海市科学技术委员会"),
        ("上海市政府办公厅", "上海市人民政府办公厅"),
        ("XX县政府办", "XX县人民政府办公室"),
        ("XX区人社局", "XX区人力资源和社会保障局"),
        ("XX市市场监管局", "XX市市场监督管理局"),
    ],
)
def test_abbreviations_are_spelled_out(short: str, full: str) -> None:
    assert agency_key(short).key == full
    assert "abbreviation" in agency_key(short).steps


def test_bracket_content_that_is_not_a_body_type_is_kept() -> None:
    assert agency_key("XX县人民政府办公室（县外事办）").key == "XX县人民政府办公室(县外事办)"


def test_a_lossy_key_is_not_merged_with_a_name_that_reaches_it_exactly() -> None:
    spam = "开云手机官网入口·(中国)官方网站卫生健康局"
    assert agency_key(spam).lossy and agency_key(spam).key == "卫生健康局"
    found, ambiguities = resolve_agencies([spam, "卫生健康局"])
    assert found[spam].key != found["卫生健康局"].key  # kept apart ...
    assert any(set(a.names) == {spam, "卫生健康局"} for a in ambiguities)  # ... and listed


def test_two_names_that_meet_only_through_a_lossy_step_are_kept_apart_and_listed() -> None:
    one, other = "开云手机官网入口·(中国)官方网站卫生健康局", "某某体育官网卫生健康局"
    found, ambiguities = resolve_agencies([one, other])
    assert found[one].key != found[other].key
    assert [set(a.names) for a in ambiguities] == [{one, other}]


def test_a_lossy_key_alone_is_taken_and_listed() -> None:
    spam = "开云手机官网入口·(中国)官方网站卫生健康局"
    found, ambiguities = resolve_agencies([spam])
    assert found[spam].key == "卫生健康局"
    assert [a.names for a in ambiguities] == [(spam,)]


def test_a_local_body_without_a_place_is_listed() -> None:
    _, ambiguities = resolve_agencies(["卫生健康局", "绿园区卫生健康局"])
    assert [a.names for a in ambiguities] == [("卫生健康局",)]


def test_the_user_mapping_wins_over_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    rows = ["printed_name,agency_key,region", "上海市科委,上海科委,上海", "卫生健康局,绿园区卫生健康局,长春"]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    mapping = AgencyMapping.read(path)
    found, ambiguities = resolve_agencies(["上海市科委", "卫生健康局", "绿园区卫健局"], mapping)
    science = found["上海市科委"]
    assert (science.key, science.region, science.method) == ("上海科委", "上海", "mapping")
    assert found["卫生健康局"].key == found["绿园区卫健局"].key == "绿园区卫生健康局"
    assert ambiguities == []  # a mapped name is settled


def test_a_mapping_without_its_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    path.write_text("name,key\na,b\n", "utf-8")
    with pytest.raises(ValueError, match="printed_name"):
        AgencyMapping.read(path)


# ---------------------------------------------------------------- extracted records
def _extract(paths: list[Path], out: Path) -> Path:
    result = runner.invoke(app, ["extract", *map(str, paths), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    return out


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def _write_records(records: list[dict], out: Path) -> Path:
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return out


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples' three 平潭综合实验区 reports (2019, 2021, 2023), extracted."""
    out = tmp_path_factory.mktemp("pingtan") / "out.jsonl"
    return _extract([SAMPLES / "r008.txt", SAMPLES / "r010.txt", SAMPLES / "r012.txt"], out)


NAMES = ("平潭综合实验区（管委会）", "平潭综合实验区管委会", "平潭 综合实验区")
YEARS = (2021, 2022, 2023, 2024)


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One agency's four consecutive years under three printed names, as printed and with 2023's
    carried-over figure moved by 2 (natural persons), each extracted."""
    root = tmp_path_factory.mktemp("series")
    specs = agency_series(NAMES, YEARS)
    unchanged = write_series(root / "unchanged", specs, "pt")
    specs[2] = carry_over_changed(specs[2], "natural_person", 2)
    changed = write_series(root / "changed", specs, "pt")
    return _extract(unchanged, root / "unchanged.jsonl"), _extract(changed, root / "changed.jsonl")


def test_the_samples_three_pingtan_reports_are_one_agency_with_its_gaps_noted(pingtan: Path) -> None:
    panel = build_panel([pingtan])
    assert {row["agency_key"] for row in panel.rows} == {"平潭综合实验区"}
    assert [row["year"] for row in panel.rows] == [2019, 2021, 2023]
    assert sorted(f.year for f in panel.findings_of("missing_year")) == [2020, 2022]
    assert panel.findings_of("cross_year_break") == []  # no consecutive years: nothing checked, nothing guessed
    assert [row["cross_year"] for row in panel.rows] == ["first_year", "previous_year_missing", "previous_year_missing"]
    assert panel.findings_of("form_version_change")  # 2019 on the 2019 form, 2021 and 2023 on the 2021 form


def test_an_unchanged_series_has_no_cross_year_finding(series: tuple[Path, Path]) -> None:
    panel = build_panel([series[0]])
    assert len({row["agency_key"] for row in panel.rows}) == 1  # three printed names, one key
    assert [row["year"] for row in panel.rows] == list(YEARS)
    assert [f for f in panel.findings if f.kind.startswith("cross_year") or f.kind == "missing_year"] == []
    assert [row["cross_year"] for row in panel.rows] == ["first_year", "holds", "holds", "holds"]


def test_a_changed_carried_over_figure_is_exactly_the_cross_year_break_naming_both_reports(
    series: tuple[Path, Path],
) -> None:
    panel = build_panel([series[1]])
    breaks = panel.findings_of("cross_year_break")
    assert sorted(f.identity for f in breaks) == [("t3", "cross_year", "natural_person"), ("t3", "cross_year", "total")]
    for finding in breaks:
        column = finding.identity[2]
        assert Path(finding.doc).name == "pt_2022.html" and Path(finding.other_doc).name == "pt_2023.html"
        assert finding.cells == [
            f"{finding.doc}#t3.carried_forward.{column}",
            f"{finding.other_doc}#t3.carried_over.{column}",
        ]
        assert finding.other_value == finding.value + 2
    assert [row["cross_year"] for row in panel.rows] == ["first_year", "holds", "broken", "holds"]
    assert all(row["broken_identities"] is None for row in panel.rows)  # each report balances on its own


def test_an_unread_cell_leaves_the_cross_year_identity_open_not_broken(
    series: tuple[Path, Path], tmp_path: Path
) -> None:
    records = _records(series[0])
    records[1]["values"]["t3.carried_over.commercial"] = None  # 2022's cell not read
    panel = build_panel([_write_records(records, tmp_path / "out.jsonl")])
    assert panel.findings_of("cross_year_break") == []
    (open_,) = panel.findings_of("cross_year_open")
    assert (open_.doc, open_.other_doc, open_.year) == (records[0]["doc"], records[1]["doc"], 2022)
    assert "commercial" in open_.message
    assert [row["cross_year"] for row in panel.rows] == ["first_year", "open", "holds", "holds"]


def test_a_break_whose_cell_is_on_a_review_list_says_so(series: tuple[Path, Path], tmp_path: Path) -> None:
    records = _records(series[1])
    records[2]["broken_identities"] = [["t3", "column_balance", "total"]]  # as if 2023's own balance broke
    panel = build_panel([_write_records(records, tmp_path / "out.jsonl")])
    by_column = {f.identity[2]: f.message for f in panel.findings_of("cross_year_break")}
    assert f"review list: {records[2]['doc']} t3.carried_over.total" in by_column["total"]
    assert "review list" not in by_column["natural_person"]
    assert "t3.carried_over.total" in json.loads(panel.rows[2]["review"])


def test_measures(series: tuple[Path, Path]) -> None:
    rows = build_panel([series[0]]).rows
    for row in rows:
        handled = row["t3.results_total.total"]
        assert row["share.granted"] == pytest.approx(row["t3.granted.total"] / handled)
        denied = sum(v for k, v in row.items() if k.startswith("t3.denied.") and k.endswith(".total"))
        assert row["share.denied"] == pytest.approx(denied / handled)
        for col in (*APPLICANT_COLUMNS, "total"):
            assert row[f"sum.t3.applications.{col}"] == row[f"t3.new_received.{col}"] + row[f"t3.carried_over.{col}"]
    assert rows[0]["yoy.t3.new_received.total"] is None  # no year before: not guessed
    assert rows[1]["yoy.t3.new_received.total"] == rows[1]["t3.new_received.total"] - rows[0]["t3.new_received.total"]


def test_both_forms_share_their_keys_and_keep_their_own_apart(pingtan: Path) -> None:
    rows = {row["year"]: row for row in build_panel([pingtan]).rows}
    assert rows[2019]["t3.other.total.total"] is not None and rows[2019]["t3.other.misc.total"] is None
    assert rows[2021]["t3.other.misc.total"] is not None and rows[2021]["t3.other.total.total"] is None
    for year in (2019, 2021):
        assert rows[year]["t3.granted.total"] is not None  # one key in both forms
        assert rows[year]["sum.t3.other.total"] is not None  # and the 其他处理 group compares across forms
    assert rows[2019]["sum.t3.other.total"] == rows[2019]["t3.other.total.total"]


# ---------------------------------------------------------------- bad input
def test_records_without_agency_year_or_with_an_error_are_reported_not_placed(pingtan: Path, tmp_path: Path) -> None:
    r008, r010, r012 = _records(pingtan)
    r010["values"]["meta.agency"] = None
    r012["values"]["meta.year"] = None
    failed = {"doc": "broken.pdf", "values": {}, "broken_identities": [], "error": "not a PDF"}
    panel = build_panel([_write_records([r008, r010, r012, failed], tmp_path / "out.jsonl")])
    assert [row["doc"] for row in panel.rows] == [r008["doc"]]
    assert [f.doc for f in panel.findings_of("no_agency")] == [r010["doc"]]
    assert [f.doc for f in panel.findings_of("no_year")] == [r012["doc"]]
    assert [f.doc for f in panel.findings_of("failed_record")] == ["broken.pdf"]


def test_one_report_under_two_documents_is_one_row_and_a_duplicate(pingtan: Path, tmp_path: Path) -> None:
    records = _records(pingtan)
    copy = {**records[1], "doc": "mirror/r010.txt"}
    panel = build_panel([_write_records([*records, copy], tmp_path / "out.jsonl")])
    assert [row["year"] for row in panel.rows] == [2019, 2021, 2023]
    (duplicate,) = panel.findings_of("duplicate_report")
    assert {duplicate.doc, duplicate.other_doc} == {"mirror/r010.txt", records[1]["doc"]}
    assert "same file content" in duplicate.message


def test_two_documents_claiming_one_agency_and_year_with_different_numbers(pingtan: Path, tmp_path: Path) -> None:
    records = _records(pingtan)
    other = json.loads(json.dumps({**records[1], "doc": "other/r010.txt", "content_sha256": "0" * 64}))
    other["values"]["t3.granted.natural_person"] += 5
    other["broken_identities"] = [["t3", "row_total", "granted"]]
    panel = build_panel([_write_records([*records, other], tmp_path / "out.jsonl")])
    row = next(row for row in panel.rows if row["year"] == 2021)
    assert row["doc"] == records[1]["doc"]  # the one whose identities hold
    assert json.loads(row["other_docs"]) == ["other/r010.txt"]
    (conflict,) = panel.findings_of("conflicting_reports")
    assert (conflict.doc, conflict.other_doc) == ("other/r010.txt", records[1]["doc"])
    assert "t3.granted.natural_person" in conflict.message


def test_a_later_output_supersedes_an_earlier_record_of_the_same_document(pingtan: Path, tmp_path: Path) -> None:
    records = _records(pingtan)
    redone = json.loads(json.dumps(records[0]))
    redone["values"]["t3.granted.total"] = 999
    later = _write_records([redone], tmp_path / "later.jsonl")
    panel = build_panel([pingtan, later])
    assert panel.rows[0]["t3.granted.total"] == 999
    assert [f.doc for f in panel.findings_of("superseded_record")] == [records[0]["doc"]]


# ---------------------------------------------------------------- every input and output format
@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".xlsx", ".duckdb"])
def test_the_panel_of_any_extract_output_is_the_panel_of_its_journal(
    series: tuple[Path, Path], tmp_path: Path, suffix: str
) -> None:
    output = tmp_path / f"out{suffix}"
    journal_path(output).write_bytes(series[1].read_bytes())
    export(output)
    from_journal, from_export = build_panel([series[1]]), build_panel([output])
    names = [name for name, _, _ in PANEL_COLUMNS]
    assert [[r[n] for n in names] for r in from_export.rows] == [[r[n] for n in names] for r in from_journal.rows]
    assert [f.row() for f in from_export.findings] == [f.row() for f in from_journal.findings]


def test_every_panel_format_opens_in_its_reader(series: tuple[Path, Path], tmp_path: Path) -> None:
    panel = build_panel([series[1]])
    year_2023 = next(row for row in panel.rows if row["year"] == 2023)
    broken = len(panel.findings_of("cross_year_break"))

    written = write_panel(panel, tmp_path / "panel.parquet")
    assert written == [tmp_path / "panel.parquet", tmp_path / "panel.findings.parquet"]
    table = pq.read_table(written[0]).to_pylist()
    assert [r["year"] for r in table] == list(YEARS)
    assert table[2]["t3.carried_over.total"] == year_2023["t3.carried_over.total"]
    findings = pq.read_table(written[1]).to_pylist()
    assert sum(f["identity_kind"] == "cross_year" for f in findings) == broken

    write_panel(panel, tmp_path / "panel.csv")
    with (tmp_path / "panel.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["机关标识", "地区", "报告年度"] and len(rows) == 1 + len(YEARS)
    with findings_path(tmp_path / "panel.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert sum(r["identity_kind"] == "cross_year" for r in csv.DictReader(handle)) == broken

    write_panel(panel, tmp_path / "panel.xlsx")
    book = load_workbook(tmp_path / "panel.xlsx", read_only=True)
    assert [r[2] for r in book[PANEL_SHEET].iter_rows(min_row=2, values_only=True)] == list(YEARS)
    assert len(list(book[FINDING_SHEET].iter_rows(values_only=True))) == 1 + len(panel.findings)
    book.close()

    write_panel(panel, tmp_path / "panel.duckdb")
    con = duckdb.connect(str(tmp_path / "panel.duckdb"), read_only=True)
    assert con.execute('SELECT "t3.carried_over.total" FROM panel WHERE year = 2023').fetchone() == (
        year_2023["t3.carried_over.total"],
    )
    assert con.execute("SELECT count(*) FROM panel_findings WHERE identity_kind = 'cross_year'").fetchone() == (broken,)
    con.close()


def test_panel_command(series: tuple[Path, Path], tmp_path: Path) -> None:
    output = tmp_path / "panel.duckdb"
    mapping = tmp_path / "agencies.csv"
    mapping.write_text("printed_name,agency_key,region\n平潭综合实验区管委会,平潭,福建\n", "utf-8")
    result = runner.invoke(app, ["panel", str(series[1]), "-o", str(output), "--agencies", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "cross_year_break: 2" not in result.output  # 2022 (the mapped name) is now apart from 2021 and 2023
    con = duckdb.connect(str(output), read_only=True)
    assert con.execute("SELECT year, region FROM panel WHERE agency_key = '平潭'").fetchall() == [(2022, "福建")]
    con.close()
    result = runner.invoke(app, ["panel", str(series[1]), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "cross_year_break: 2" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["missing.jsonl", "-o", "panel.csv"],  # no such output
        ["{out}", "-o", "panel.json"],  # not a panel format
        ["{out}", "-o", "panel.csv", "--agencies", "missing.csv"],  # no such mapping
    ],
)
def test_panel_command_usage_errors(series: tuple[Path, Path], tmp_path: Path, args: list[str]) -> None:
    args = [a.format(out=series[0]) if a == "{out}" else str(tmp_path / a) if "." in a else a for a in args]
    assert runner.invoke(app, ["panel", *args]).exit_code == 2


def test_panel_command_refuses_a_file_that_is_no_extract_output(tmp_path: Path) -> None:
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet")
    result = runner.invoke(app, ["panel", str(junk), "-o", str(tmp_path / "panel.csv")])
    assert result.exit_code == 2 and "cannot read" in result.output
