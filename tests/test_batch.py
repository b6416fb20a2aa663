"""Batch runs: resuming, forcing, torn journals, engines giving identical values, and surviving kills.

The kill tests are real: one SIGKILLs a running ``govreport extract`` and reruns
it; another has a worker process die under the pool.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from govreport.batch import BatchOptions, pending
from govreport.batch.local import WORKER_DIED, run_processes
from govreport.batch.work import Task, content_sha256
from govreport.cli import collect_inputs, run_batch
from govreport.outputs.journal import Entry, scan
from govreport.pipeline import extract
from govreport.schema import ReportResult

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
QUIET = Console(stderr=True, quiet=True)


def variants(folder: Path, copies: int) -> list[Path]:
    """Copies of the samples, each made distinct by trailing blank lines (same values, new hash)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(copies):
        for sample in sorted(SAMPLES.iterdir()):
            target = folder / f"{sample.stem}_{i:03d}{sample.suffix}"
            target.write_bytes(sample.read_bytes() + b"\n" * (i + 1))
            made.append(target)
    return made


def journal_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def values_by_doc(records: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {r["doc"]: (r["values"], r["broken_identities"], r["error"]) for r in records}


def batch(folder: Path, out: Path, **options: Any) -> Any:
    summary, _ = run_batch(collect_inputs([str(folder)]), str(out), QUIET, BatchOptions(**options))
    return summary


# ---------------------------------------------------------------- resuming
def test_rerun_skips_done_documents_redoes_changed_ones_and_force_redoes_all(tmp_path: Path) -> None:
    docs = variants(tmp_path / "in", 1)
    out = tmp_path / "out.jsonl"
    assert batch(tmp_path / "in", out, workers=1).documents == len(docs)

    again = batch(tmp_path / "in", out, workers=1)
    assert (again.documents, again.skipped) == (0, len(docs))

    docs[0].write_bytes(docs[0].read_bytes() + b"\n")
    changed = batch(tmp_path / "in", out, workers=1)
    assert (changed.documents, changed.skipped) == (1, len(docs) - 1)
    assert len(journal_lines(out)) == len(docs) + 1  # appended, never rewritten; the latest line wins
    assert scan(out)[str(docs[0])].sha256 == content_sha256(str(docs[0]), 2**30)

    forced = batch(tmp_path / "in", out, workers=1, force=True)
    assert (forced.documents, forced.skipped) == (len(docs), 0)
    assert len(journal_lines(out)) == len(docs)


def test_a_torn_last_line_is_cut_and_its_document_redone(tmp_path: Path) -> None:
    variants(tmp_path / "in", 1)
    out = tmp_path / "out.jsonl"
    batch(tmp_path / "in", out, workers=1)
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:-1]) + lines[-1][:100])  # killed in the middle of the last write

    rerun = batch(tmp_path / "in", out, workers=1)
    assert (rerun.documents, rerun.skipped) == (1, len(lines) - 1)
    assert len(journal_lines(out)) == len(lines)  # every line parses again


def test_pending_hashes_lazily_and_never_skips_an_unreadable_file(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("x", encoding="utf-8")
    skipped: list[str] = []
    done = {str(doc): Entry(str(doc), content_sha256(str(doc), 100), "0.1.0", 0, labeller="hybrid")}
    assert list(pending([str(doc)], done, "0.1.0", skipped.append)) == []
    assert skipped == [str(doc)]
    assert list(pending([str(doc)], done, "0.2.0", skipped.append)) == [Task(str(doc), done[str(doc)].sha256)]
    # another labeller mode makes another record: the document is redone, not skipped
    assert list(pending([str(doc)], done, "0.1.0", skipped.append, labeller="rules")) == [
        Task(str(doc), done[str(doc)].sha256)
    ]
    missing = str(tmp_path / "gone.txt")
    assert list(pending([missing], {missing: Entry(missing, None, "0.1.0", 0)}, "0.1.0", skipped.append)) == [
        Task(missing, None)
    ]


# ---------------------------------------------------------------- engines agree
def test_serial_and_parallel_give_identical_values_on_good_and_bad_inputs(tmp_path: Path) -> None:
    variants(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "corrupt.docx").write_bytes(b"PK\x03\x04 not a zip")
    with open(tmp_path / "in" / "huge.txt", "wb") as huge:
        huge.truncate(2**31)  # sparse: 2 GiB on paper; hashed by size, rejected unread
    serial, parallel = tmp_path / "serial.jsonl", tmp_path / "parallel.jsonl"
    batch(tmp_path / "in", serial, workers=1)
    batch(tmp_path / "in", parallel, workers=2)
    assert values_by_doc(journal_lines(serial)) == values_by_doc(journal_lines(parallel))
    errors = {Path(r["doc"]).name: r["error"] for r in journal_lines(parallel) if r["error"]}
    assert set(errors) == {"empty.txt", "corrupt.docx", "huge.txt"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray Data's own settings, not ours
def test_ray_engine_gives_the_same_values_as_serial(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    variants(tmp_path / "in", 1)
    serial, on_ray = tmp_path / "serial.jsonl", tmp_path / "ray.jsonl"
    batch(tmp_path / "in", serial, workers=1)
    try:
        summary = batch(tmp_path / "in", on_ray, engine="ray", workers=2)  # a local Ray, started here
    finally:
        ray.shutdown()
    assert summary.documents == len(journal_lines(serial))
    assert values_by_doc(journal_lines(serial)) == values_by_doc(journal_lines(on_ray))


# ---------------------------------------------------------------- workers that die
def _dies_on(marker: str, once_flag: str | None) -> Any:
    """An extractor that kills its worker process on documents named ``marker`` (only the first time
    if ``once_flag`` names a file to leave behind)."""

    def extract_or_die(path: str) -> ReportResult:
        if marker in path and (once_flag is None or not os.path.exists(once_flag)):
            if once_flag is not None:
                Path(once_flag).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return extract(path)

    return extract_or_die


def _tasks(folder: Path) -> list[Task]:
    return [Task(str(p), content_sha256(str(p), 2**30)) for p in sorted(folder.iterdir())]


def test_a_worker_killed_once_loses_nothing(tmp_path: Path) -> None:
    variants(tmp_path / "in", 1)
    factory = partial(_dies_on, "r006", str(tmp_path / "died-once"))
    done = list(run_processes(_tasks(tmp_path / "in"), 2, factory))
    assert (tmp_path / "died-once").exists()
    assert sorted(d.doc for d in done) == [t.doc for t in _tasks(tmp_path / "in")]
    assert all(d.error is None for d in done)


def test_a_document_that_kills_its_worker_every_time_gets_an_error_record_alone(tmp_path: Path) -> None:
    variants(tmp_path / "in", 1)
    done = {Path(d.doc).name: d for d in run_processes(_tasks(tmp_path / "in"), 2, partial(_dies_on, "r006", None))}
    assert len(done) == len(list((tmp_path / "in").iterdir()))
    assert [name for name, d in done.items() if d.error] == ["r006_000.md"]
    assert done["r006_000.md"].error == WORKER_DIED


def test_a_killed_run_keeps_every_finished_record_and_the_rerun_completes_the_rest(tmp_path: Path) -> None:
    docs = variants(tmp_path / "in", 8)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "govreport.cli", "extract", str(tmp_path / "in"), "-o", str(out), "-j", "2"]
    run = subprocess.Popen(command, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 10):
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)  # the whole run, workers included, mid-batch
    run.wait()
    before = out.read_bytes()
    finished = before[: before.rfind(b"\n") + 1]
    assert 10 <= finished.count(b"\n") < len(docs), "the run was not killed mid-batch"

    subprocess.run(command, check=True, stderr=subprocess.DEVNULL, timeout=120)
    after = out.read_bytes()
    assert after.startswith(finished)  # nothing written before the kill was lost or rewritten
    assert set(scan(out)) == {str(d) for d in docs}
    assert all(r["error"] is None for r in journal_lines(out))
