"""The journal: an append-only JSONL file, one line per finished document, that makes a batch resumable.

Each line is a full result record (``ReportResult.to_json_dict()``) plus the
``content_sha256`` of the input, so a rerun can tell which documents are done
(same path, same content, same tool version) without redoing them. Lines are
only ever appended: an interrupted run loses at most the line being written,
and a torn last line is cut off before the next run appends. A document redone
(changed file, new version, ``--force``) gets a new line; readers take the last
line per document.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYNC_SECONDS = 1.0  # fsync at most this often: flush per line survives a killed process, fsync a lost machine


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a document's latest record stands in the journal, and what it was made from."""

    doc: str
    sha256: str | None
    tool_version: str | None
    offset: int
    labeller: str | None = None  # the labeller mode that made the record


def scan(path: Path) -> dict[str, Entry]:
    """The latest entry per document; lines that are not complete records (a torn tail) are skipped."""
    entries: dict[str, Entry] = {}
    if not path.exists():
        return entries
    with path.open("rb") as handle:
        offset = 0
        for raw in handle:
            entry = _entry(raw, offset)
            if entry is not None:
                entries[entry.doc] = entry
            offset += len(raw)
    return entries


def _entry(raw: bytes, offset: int) -> Entry | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("doc"), str):
        return None
    made_by = (record.get("content_sha256"), record.get("tool_version"))
    return Entry(record["doc"], *made_by, offset, labeller=record.get("labeller"))


def cut_torn_tail(path: Path) -> None:
    """Truncate a last line left unfinished by a killed run, so the next append starts on a fresh line."""
    if not path.exists():
        return
    with path.open("rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        end = _last_newline_end(handle, size)
        handle.truncate(end)


def _last_newline_end(handle: Any, size: int, chunk: int = 1 << 16) -> int:
    """Offset just past the last newline before ``size`` (0 if none)."""
    position = size
    while position > 0:
        start = max(0, position - chunk)
        handle.seek(start)
        block = handle.read(position - start)
        found = block.rfind(b"\n")
        if found >= 0:
            return start + found + 1
        position = start
    return 0


class JournalWriter:
    """Appends one line per record; each line is flushed as it is written, fsynced at least every second."""

    def __init__(self, path: Path, fresh: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not fresh:
            cut_torn_tail(path)
        self._handle = path.open("w" if fresh else "a", encoding="utf-8", newline="\n")
        self._synced = time.monotonic()

    def append(self, line: str) -> None:
        self._handle.write(line + "\n")
        self._handle.flush()
        if time.monotonic() - self._synced >= SYNC_SECONDS:
            self._sync()

    def _sync(self) -> None:
        os.fsync(self._handle.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        self._handle.flush()
        self._sync()
        self._handle.close()

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_records(path: Path, docs: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """The latest record of each document (of ``docs`` if given), ordered by document path.

    Only the index of offsets is held in memory; records are read one at a time.
    """
    entries = scan(path)
    with path.open("rb") as handle:
        for doc in sorted(entries):
            if docs is not None and doc not in docs:
                continue
            handle.seek(entries[doc].offset)
            yield json.loads(handle.readline())
