"""The command line: input discovery, the extract batch (JSONL, error records, summary) and eval.

Everything runs the real pipeline: the batch on good and bad inputs together,
eval on the bundled samples.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from govreport import __version__
from govreport.cli import app, collect_inputs
from govreport.evaluate import load_gold
from govreport.form.catalog import FORMS

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOLD_DIR = REPO / "tests" / "fixtures" / "gold"  # copies of shared/fixtures/gold

runner = CliRunner()


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- inputs
def test_collect_inputs_recurses_folders_expands_globs_and_deduplicates(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.HTML").write_text("x", encoding="utf-8")
    (tmp_path / "sub" / "notes.xyz").write_text("x", encoding="utf-8")  # skipped inside folders
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.txt").write_text("x", encoding="utf-8")
    explicit = str(tmp_path / "sub" / "notes.xyz")  # named explicitly: tried anyway

    inputs = collect_inputs(
        [
            str(tmp_path),
            str(tmp_path / "*.txt"),
            explicit,
            str(tmp_path / "missing.txt"),
            str(tmp_path / "*.pdf"),
        ]
    )
    assert [Path(f).relative_to(tmp_path).as_posix() for f in inputs.files] == [
        "a.txt",
        "sub/b.HTML",
        "sub/notes.xyz",
    ]
    assert inputs.missing == [str(tmp_path / "missing.txt"), str(tmp_path / "*.pdf")]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_extract_without_inputs_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nothing-*.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert "no input documents" in result.stderr


# ---------------------------------------------------------------- the batch, with bad inputs
def _bad_and_good_inputs(folder: Path) -> dict[str, str | None]:
    """Files of a batch and the start of the error each must get (None: extracted)."""
    shutil.copy(SAMPLES / "003_1244fb917606d24f.txt", folder / "a_report.txt")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_junk.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "d_not_a_report.txt").write_text("今天天气很好，我们去公园散步，然后吃了午饭。\n" * 20, encoding="utf-8")
    with open(folder / "e_huge.txt", "wb") as huge:
        huge.truncate(50 * 2**20)  # sparse: 50 MB on paper, nothing written
    (folder / "f_no_table.html").write_text(
        "<html><body><p>2020年某局政府信息公开工作年度报告</p><p>一、总体情况</p><p>未收到申请。</p></body></html>",
        encoding="utf-8",
    )
    (folder / "g_corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    return {
        "a_report.txt": None,
        "b_empty.txt": "empty",
        "c_junk.txt": "binary",
        "d_not_a_report.txt": "not an annual disclosure report",
        "e_huge.txt": "too large",
        "f_no_table.html": None,
        "g_corrupt.docx": "corrupt",
    }


def test_extract_writes_one_line_per_document_and_goes_on_after_failures(tmp_path: Path) -> None:
    expected = _bad_and_good_inputs(tmp_path)
    out = tmp_path / "out" / "run.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path), str(tmp_path / "gone.txt"), "-o", str(out)])

    assert result.exit_code == 0, result.output
    records = {Path(r["doc"]).name: r for r in jsonl(out.read_text(encoding="utf-8"))}
    assert set(records) == {*expected, "gone.txt"}
    assert records["gone.txt"]["error"] == "no such file or folder"
    for name, error in expected.items():
        record = records[name]
        assert {"doc", "values", "broken_identities", "error"} <= record.keys()
        if error is None:
            assert record["error"] is None, record["error"]
        else:
            assert record["error"] and error in record["error"].lower(), (name, record["error"])
            assert not any(isinstance(v, int | float) for k, v in record["values"].items() if k.startswith("t"))
    assert records["a_report.txt"]["values"]["t3.new_received.total"] == 2
    assert records["f_no_table.html"]["values"]["meta.template"] is None
    assert "8 documents" in result.stderr
    assert "2 ok" in result.stderr and "6 failed" in result.stderr


def test_extract_to_stdout_keeps_the_summary_off_it(tmp_path: Path) -> None:
    sample = SAMPLES / "004_aa2b01d2dfa1efd2.txt"
    result = runner.invoke(app, ["extract", str(sample), "-o", "-"])
    assert result.exit_code == 0
    assert [r["doc"] for r in jsonl(result.stdout)] == [str(sample)]
    assert "1 documents" in result.stderr


# ---------------------------------------------------------------- eval on a prediction file
def _perfect_predictions(path: Path) -> None:
    lines = [
        json.dumps(
            {
                "doc": f"anywhere/{gold.name}",
                "values": gold.values,
                "broken_identities": [list(i) for i in gold.broken_identities],
                "error": None,
            },
            ensure_ascii=False,
        )
        for gold in load_gold(GOLD_DIR).values()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_eval_of_gold_against_itself_reports_100_percent(tmp_path: Path) -> None:
    pred, report = tmp_path / "pred.jsonl", tmp_path / "report.json"
    _perfect_predictions(pred)
    result = runner.invoke(app, ["eval", "--gold", str(GOLD_DIR), "--pred", str(pred), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "100.0%" in result.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["overall"]["accuracy"] == 1.0
    assert data["hard"]["recall"] == 1.0


def test_eval_lists_a_changed_value_as_a_miss(tmp_path: Path) -> None:
    pred, report = tmp_path / "pred.jsonl", tmp_path / "report.json"
    _perfect_predictions(pred)
    records = jsonl(pred.read_text(encoding="utf-8"))
    records[0]["values"]["meta.year"] = 1999
    pred.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(GOLD_DIR), "--pred", str(pred), "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert "1999" in result.stdout
    misses = [m for d in json.loads(report.read_text(encoding="utf-8"))["documents"] for m in d["misses"]]
    assert [(m["key"], m["group"], m["predicted"]) for m in misses] == [("meta.year", "meta", 1999)]


def test_eval_needs_either_paths_or_pred(tmp_path: Path) -> None:
    assert runner.invoke(app, ["eval", "--gold", str(GOLD_DIR)]).exit_code == 2
    assert runner.invoke(app, ["eval", "--gold", str(tmp_path), "--pred", "x.jsonl"]).exit_code == 2


# ---------------------------------------------------------------- the real pipeline
def test_extract_sample_with_the_real_pipeline(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(SAMPLES / "r010.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = jsonl(out.read_text(encoding="utf-8"))
    assert record["error"] is None
    assert record["values"]["meta.year"] == 2021
    assert record["values"]["meta.template"] == "2021"
    assert set(FORMS["2021"].keys()) <= record["values"].keys()
    for part in ("meta", "sections", "cells", "facts", "findings"):
        assert part in record


def test_eval_runs_the_pipeline_on_samples(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["eval", "--gold", str(GOLD_DIR), str(SAMPLES), "--json", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert len(data["documents"]) == 10  # every sample has gold; r002.pdf is not bundled
    assert data["errored"] == {}


def test_rerun_with_another_labeller_redoes_the_documents(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    sample = str(SAMPLES / "004_aa2b01d2dfa1efd2.txt")
    assert runner.invoke(app, ["extract", sample, "-o", str(out), "--labeller", "rules"]).exit_code == 0
    assert runner.invoke(app, ["extract", sample, "-o", str(out), "--labeller", "rules"]).exit_code == 0
    assert len(jsonl(out.read_text(encoding="utf-8"))) == 1  # the same mode: skipped
    assert runner.invoke(app, ["extract", sample, "-o", str(out), "--labeller", "hybrid"]).exit_code == 0
    records = jsonl(out.read_text(encoding="utf-8"))
    assert [r["labeller"] for r in records] == ["rules", "hybrid"]


def test_help_names_what_each_option_takes_not_its_python_type() -> None:
    for command in ("extract", "eval", "inspect", "summary", "review", "gold-from-corrections"):
        shown = runner.invoke(app, [command, "--help"], terminal_width=120).output
        assert "<bool>" not in shown and "<list[str]>" not in shown and "<str>" not in shown, shown
    shown = runner.invoke(app, ["extract", "--help"], terminal_width=120).output
    assert "--labeller <rules|model|hybrid>" in shown and "--engine <local|ray>" in shown
    assert "-o, --output FILE" in shown and "-j, --workers N" in shown
