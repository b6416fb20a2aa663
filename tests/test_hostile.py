"""A batch that nothing can sink: the hostile corpus as one batch, the time and memory watchdogs,
and no worker left behind when the parent is killed.

The corpus is ``eval/hostile.py`` at its CI scale (every class of attack,
smaller), run through the real CLI with the limits set low.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from govreport.batch.local import run_processes
from govreport.batch.work import Task, content_sha256
from govreport.errors import LimitExceeded
from govreport.options import Limits, memory_message
from govreport.pipeline import extract
from govreport.schema import ReportResult

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))

import hostile  # noqa: E402  (the generator lives in eval/, beside the other benchmarks)

LINUX = sys.platform.startswith("linux")
LOW_LIMITS = [
    "--max-seconds", "60",
    "--max-memory-mb", "1200",
    "--max-lines", "20000",
    "--max-table-cells", "50000",
    "--max-rules-per-page", "5000",
    "--max-unzipped-mb", "32",
    "--max-pages", "300",
]  # fmt: skip


def test_hostile_corpus_runs_as_one_batch_with_a_record_per_input_and_no_internal_error(tmp_path: Path) -> None:
    """Every class of hostile input beside normal reports, one batch, two workers: one record per input,
    only plain errors, the files whose text must be read read, normal reports exactly as alone."""
    corpus = tmp_path / "corpus"
    files = hostile.make_corpus(corpus, hostile.CI)
    assert len(files) >= 80
    result = hostile.run_corpus(corpus, tmp_path / "out.jsonl", ["-j", "2", *LOW_LIMITS])
    assert result["exit_code"] == 0, result["stderr"]
    records: list[dict[str, Any]] = result["records"]  # type: ignore[assignment]
    by_name = {Path(r["doc"]).name: r for r in records}
    assert sorted(by_name) == sorted(p.name for p in files)
    assert len(records) == len(files)
    errors = {name: r["error"] for name, r in by_name.items() if r["error"]}
    assert not [e for e in errors.values() if e.startswith("internal error")], errors
    assert all("\n" not in e for e in errors.values())
    must_read = {*hostile.MUST_READ, *(name for name in by_name if name.startswith(hostile.NORMAL_PREFIX))}
    assert sorted(name for name in must_read if name in errors) == []
    assert set(by_name) - must_read == set(errors)  # every other hostile file fails, with its reason
    assert "root:" not in (tmp_path / "out.jsonl").read_text(encoding="utf-8")  # XXE resolved nothing
    assert "limit exceeded: table size" in errors["html_spans_both.html"]
    assert "limit exceeded: unzipped size" in errors["docx_zip_bomb.docx"]
    assert "limit exceeded: page size" in errors["pdf_giant_page_blank.pdf"]
    assert "limit exceeded: ruling lines" in errors["pdf_rules_many.pdf"]
    assert "limit exceeded: pages" in errors["pdf_blank_pages.pdf"]
    assert "limit exceeded: lines" in errors["txt_heading_lines.txt"]
    assert "limit exceeded: digit run" in errors["txt_digit_run.txt"]
    assert "Not a regular file" in errors["fifo_report.txt"]
    assert result["worst_worker_rss_mb"] < 1200 + 200  # type: ignore[operator]
    assert result["seconds"] < 240  # type: ignore[operator]
    normal = [r for name, r in sorted(by_name.items()) if name.startswith(hostile.NORMAL_PREFIX)]
    assert [r["doc"] for r in normal if not hostile.same_as_alone(r)] == []


# ---------------------------------------------------------------- the watchdogs
def _stuck_or_greedy(path: str) -> ReportResult:
    """An extractor that hangs where no timer reaches (SIGALRM blocked, as inside native code) on
    documents named ``stuck``, grows without bound on ones named ``greedy``, else extracts."""
    if "stuck" in path:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(120)
    if "greedy" in path:
        hoard = []
        for _ in range(400):
            hoard.append(bytearray(16 * 2**20))
            time.sleep(0.01)
    return extract(path, limits=Limits(seconds=2, memory_mb=400))


def _factory() -> Any:
    return _stuck_or_greedy


def _tasks(folder: Path, names: list[str]) -> list[Task]:
    sample = (REPO / "samples" / "r010.txt").read_bytes()
    tasks = []
    for i, name in enumerate(names):
        path = folder / f"{i:02d}_{name}.txt"
        path.write_bytes(sample + b"\n" * i)
        tasks.append(Task(str(path), content_sha256(str(path), 2**30)))
    return tasks


@pytest.mark.skipif(not LINUX, reason="the memory watchdog reads /proc")
def test_workers_over_their_time_or_memory_are_killed_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import govreport.batch.local as local

    monkeypatch.setattr(local, "KILL_GRACE_SECONDS", 1.0)
    names = ["ok", "stuck", "ok", "greedy", "ok", "ok", "ok", "ok"]
    limits = Limits(seconds=2, memory_mb=400)
    started = time.monotonic()
    done = {Path(d.doc).name: d for d in run_processes(_tasks(tmp_path, names), 2, _factory, limits)}
    assert len(done) == len(names)
    assert done["01_stuck.txt"].error == str(LimitExceeded("seconds", None, 2))
    assert done["03_greedy.txt"].error == memory_message(limits)
    assert sorted(n for n, d in done.items() if d.error) == ["01_stuck.txt", "03_greedy.txt"]
    assert time.monotonic() - started < 60  # the stuck worker was killed, not waited for


def test_the_time_limit_ends_a_document_inside_its_own_process(tmp_path: Path) -> None:
    heavy = tmp_path / "heavy.txt"
    heavy.write_text(hostile.TEXT_REPORT.read_text(encoding="utf-8") + "\n一、总体情况" * 80_000, encoding="utf-8")
    result = extract(heavy, limits=Limits(seconds=0.5))
    assert result.error == str(LimitExceeded("seconds", None, 0.5))


# ---------------------------------------------------------------- no orphans
def _descendants(root: int) -> set[int]:
    return hostile._family(root) - {root}


@pytest.mark.skipif(not LINUX, reason="reads the process tree from /proc")
def test_kill_9_of_the_parent_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Killed mid-document (each worker on a long one), the workers must end within 10 s on their own."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    report = hostile.TEXT_REPORT.read_text(encoding="utf-8")
    for i in range(4):
        (inputs / f"long_{i}.txt").write_text(report + "\n一、总体情况" * (300_000 + i), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "govreport.cli", "extract", str(inputs), "-o", str(out), "-j", "2"]
    run = subprocess.Popen([*command, "--max-lines", "0", "--max-seconds", "0"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:  # until two are on a document
        time.sleep(0.2)
        workers = {pid for pid in _descendants(run.pid) if _on_a_document(pid)}
    assert len(workers) >= 2, "the run had no workers on documents"
    assert not out.exists() or out.read_bytes().count(b"\n") == 0, "documents too short to be killed mid-way"
    os.kill(run.pid, signal.SIGKILL)  # the parent only: its workers must follow on their own
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(pid) for pid in workers):
        time.sleep(0.1)
    assert [pid for pid in workers if _running(pid)] == []


def _on_a_document(pid: int) -> bool:
    """Whether a worker has loaded the labeller's model, which it does on its first document."""
    try:
        with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as maps:
            return "onnxruntime" in maps.read()
    except OSError:
        return False


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_limits_are_set_from_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from govreport.cli import app

    out = tmp_path / "out.jsonl"
    sample = str(REPO / "samples" / "003_1244fb917606d24f.txt")
    result = CliRunner().invoke(app, ["extract", sample, "-o", str(out), "-j", "1", "--max-lines", "50"])
    assert result.exit_code == 0
    error = json.loads(out.read_text(encoding="utf-8"))["error"]
    assert error.startswith("limit exceeded: lines: ")
    assert error.endswith("over the limit of 50 (--max-lines raises it)")
