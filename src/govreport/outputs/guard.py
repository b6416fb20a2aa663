"""The output guard: ``-o`` is only ever a file govreport writes, and one run writes it at a time.

A run may write its journal only where there is nothing (absent or empty) or a
govreport journal already (its first record says so); anything else — a user's
``report.md``, a PDF, a directory, a device, a FIFO — is refused before it is
read or touched. A table output (``out.parquet``) that exists must have its
journal beside it. An unknown extension is refused rather than written as
JSONL. ``OutputLock`` keeps a second run off the same output: a lock file
beside the journal holds the owner's pid; a lock whose owner is dead is taken
over.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from types import TracebackType

from govreport.outputs import EXPORT_SUFFIXES, is_export, journal_path

JOURNAL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
OUTPUT_SUFFIXES = JOURNAL_SUFFIXES | EXPORT_SUFFIXES
_FIRST_LINE_BYTES = 64 << 20  # a record is a few hundred KB at most; a file with no newline this far is not ours
_RECORD_START = b'{"doc": '


class OutputRefused(Exception):
    """The output cannot be written (the message says why, in one line); nothing was touched."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _existing_regular(path: Path) -> os.stat_result | None:
    """The file's status if it exists (a regular file), None if absent; refused if anything else."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputRefused(f"cannot use {path} as output: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputRefused(f"cannot write to {path}: it is {_kind(info.st_mode)}, not a regular file")
    return info


def is_journal(path: Path) -> bool:
    """Whether the regular file at ``path`` is a govreport journal, by its first record."""
    with path.open("rb") as handle:
        head = handle.read(len(_RECORD_START))
        if head != _RECORD_START:
            return False
        line = head + handle.readline(_FIRST_LINE_BYTES)
    if not line.endswith(b"\n"):
        return True  # a first record torn by a killed run: the start is ours, the rest was never written
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and "tool_version" in record and "content_sha256" in record


def check_output(output: Path) -> Path:
    """The journal a run writing ``output`` may use; ``OutputRefused`` where the output is not ours to write."""
    output_info = _existing_regular(output)  # a device, FIFO or directory is refused before anything else
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        shown = f"extension {suffix!r}" if suffix else "no extension"
        raise OutputRefused(
            f"unknown output format for {output} ({shown}): use .jsonl, {', '.join(sorted(EXPORT_SUFFIXES))}"
        )
    journal = journal_path(output)
    journal_info = _existing_regular(journal)
    if journal_info is not None and journal_info.st_size > 0 and not is_journal(journal):
        raise OutputRefused(f"{journal} exists and is not a govreport output; refusing to touch it")
    if is_export(output) and output_info is not None and journal_info is None:
        raise OutputRefused(f"{output} exists but was not written by govreport (no {journal.name} beside it)")
    return journal


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _owner(lock: Path) -> int | None:
    try:
        text = lock.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


class OutputLock:
    """One run per output: ``JOURNAL.lock`` holds the owner's pid while the run writes."""

    def __init__(self, journal: Path) -> None:
        self.path = journal.with_name(journal.name + ".lock")
        self._held = False

    def acquire(self) -> None:
        for _ in range(3):  # a stale lock removed by a racing run: try again
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                owner = _owner(self.path)
                if owner is not None and owner != os.getpid() and _pid_alive(owner):
                    raise OutputRefused(
                        f"another govreport run (pid {owner}) is writing {self.path.name.removesuffix('.lock')}; "
                        f"wait for it to finish (or remove {self.path} if that process is not govreport)"
                    ) from None
                self.path.unlink(missing_ok=True)  # its owner is dead: take the lock over
                continue
            except OSError as exc:
                raise OutputRefused(f"cannot create the lock file {self.path}: {exc.strerror or exc}") from None
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(f"{os.getpid()}\n")
            self._held = True
            return
        raise OutputRefused(f"cannot take the lock {self.path}: other runs keep racing for it")

    def release(self) -> None:
        if self._held and _owner(self.path) == os.getpid():
            self.path.unlink(missing_ok=True)
        self._held = False

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
