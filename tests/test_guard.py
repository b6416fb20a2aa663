"""The output guard and lock, and inputs that are not regular files, through the real CLI.

``-o`` is written only where nothing is or a govreport journal is; everything
else is a usage error (exit 2) that leaves the file as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govreport.cli import app
from govreport.render import ReportSpec, render_docx

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "r010.txt"
GOLD = REPO / "tests" / "fixtures" / "gold"
runner = CliRunner()


def extract(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["extract", str(SAMPLE), "-j", "1", *args])
    return result.exit_code, " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.md", b"# my notes\n", "unknown output format"),
        ("out.xls", None, "unknown output format"),
        ("out.json", None, "unknown output format"),
        ("out", None, "no extension"),
        ("notes.jsonl", b"my own lines\nnot json\n", "not a govreport output"),
        ("other.jsonl", b'{"doc": "x"}\n', "not a govreport output"),  # JSON, but not our record
        ("table.csv", b"a,b\n1,2\n", "not written by govreport"),
        ("paper.pdf", b"%PDF-1.4\n", "unknown output format"),
    ],
)
def test_output_that_is_not_ours_is_refused_and_left_untouched(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    out = tmp_path / name
    if content is not None:
        out.write_bytes(content)
    for force in ([], ["--force"]):
        code, stderr = extract("-o", str(out), *force)
        assert code == 2, stderr
        assert message in stderr
        assert (out.read_bytes() if content is not None else None) == content
        assert not out.exists() or content is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


@pytest.mark.parametrize(("target", "kind"), [("/dev/null", "a device"), ("/dev/full", "a device")])
def test_devices_are_refused_before_any_read(target: str, kind: str) -> None:
    if not os.path.exists(target):
        pytest.skip(f"no {target} here")
    code, stderr = extract("-o", target)
    assert code == 2
    assert f"it is {kind}" in stderr


def test_directory_and_fifo_outputs_are_refused(tmp_path: Path) -> None:
    code, stderr = extract("-o", str(tmp_path))
    assert (code, "it is a directory" in stderr) == (2, True)
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    code, stderr = extract("-o", str(fifo))  # would block forever if it were opened
    assert (code, "a FIFO" in stderr) == (2, True)


def test_journal_is_resumed_and_forced_but_only_ours(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"")  # an empty file is fine
    assert extract("-o", str(out))[0] == 0
    first = out.read_bytes()
    assert first.startswith(b'{"doc": ')
    assert extract("-o", str(out))[0] == 0  # resumed: nothing redone
    assert out.read_bytes() == first
    assert extract("-o", str(out), "--force")[0] == 0
    assert out.read_bytes().count(b"\n") == 1


def test_table_output_is_rewritten_from_its_own_journal(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert extract("-o", str(out))[0] == 0
    assert extract("-o", str(out), "--force")[0] == 0
    assert (tmp_path / "out.csv.jsonl").exists()


def test_a_second_run_on_a_locked_output_is_refused_and_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    lock = tmp_path / "out.jsonl.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(f"{holder.pid}\n")
        code, stderr = extract("-o", str(out))
        assert code == 2
        assert f"another govreport run (pid {holder.pid}) is writing out.jsonl" in stderr
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    code, _ = extract("-o", str(out))  # the owner is dead: the lock is taken over, then released
    assert code == 0
    assert out.exists() and not lock.exists()


def test_input_fifo_and_unreadable_folder_get_records(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLE, inputs / "a.txt")
    os.mkfifo(inputs / "b_fifo.txt")  # in a folder, and named on the command line below
    (inputs / "c.xyz").write_text("x")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(inputs), str(inputs / "b_fifo.txt"), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.stderr
    records = [line for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    assert "Not a regular file" in records[1]
    assert "formats not read (.xyz ×1)" in " ".join(result.stderr.split())


def test_docx_saved_as_doc_is_read_and_doc_folders_name_what_they_skip(tmp_path: Path) -> None:
    render_docx(ReportSpec.from_gold(GOLD / "seed-003.json"), tmp_path / "saved_as.doc")
    (tmp_path / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    legacy, saved = text.splitlines()
    assert "Legacy Word .doc" in legacy
    assert '"error": null' in saved


def test_inspect_of_an_unreadable_document_exits_non_zero_with_the_message(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + bytes(300))
    page = tmp_path / "page.html"
    result = runner.invoke(app, ["inspect", str(broken), "-o", str(page)])
    assert result.exit_code == 1
    assert "Corrupt or unreadable PDF" in " ".join(result.stderr.split())
    assert page.exists()  # the page saying why is still written


@pytest.mark.parametrize(("content", "message"), [(b"# notes\n", "is not a govreport output"), (b"", "is empty")])
def test_summary_of_a_file_that_is_not_a_govreport_output_says_so(tmp_path: Path, content: bytes, message: str) -> None:
    other = tmp_path / "notes.jsonl"
    other.write_bytes(content)
    result = runner.invoke(app, ["summary", str(other)])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_subfolder_gets_a_record(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "a.txt")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("x")
    locked.chmod(0)
    try:
        out = tmp_path / "out.jsonl"
        assert runner.invoke(app, ["extract", str(tmp_path), "-o", str(out), "-j", "1"]).exit_code == 0
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    finally:
        locked.chmod(0o755)
    assert [(Path(r["doc"]).name, (r["error"] or "")[:19]) for r in records] == [
        ("locked", "cannot read folder:"),
        ("a.txt", ""),
    ]
