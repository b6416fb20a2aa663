"""Batch benchmark: a generated corpus of mixed documents through ``govreport extract`` at 1 and 2 workers.

    python eval/bench_batch.py                    # 1,000 documents, workers 1 and 2
    python eval/bench_batch.py --documents 200 --ray

The corpus is variants of the samples and text-like fixtures (each made distinct
by trailing blank lines, so every content hash differs) plus bad inputs: empty,
binary junk, corrupt DOCX, an encrypted-looking Office file, a sparse 4 GiB
file, a non-report text, a PDF. Each run is a real ``govreport extract`` process;
its memory (the run and its workers, from /proc: Linux only) is sampled as the
output grows, to show it stays flat. Prints documents per second per run, the
2-vs-1 worker ratio, memory by progress, and whether all runs gave identical values.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = (REPO / "samples", REPO / "tests" / "fixtures" / "real", REPO / "tests" / "fixtures" / "seeds")
TEXT_LIKE = frozenset({".txt", ".md", ".html", ".htm", ".docx"})
BAD_EVERY = 20  # one bad input per this many documents


def _bad_input(folder: Path, i: int) -> Path:
    kind = i % 7
    if kind == 0:
        (path := folder / f"bad_{i:05d}_empty.txt").write_bytes(b"")
    elif kind == 1:
        (path := folder / f"bad_{i:05d}_junk.txt").write_bytes(os.urandom(4096))
    elif kind == 2:
        (path := folder / f"bad_{i:05d}_corrupt.docx").write_bytes(b"PK\x03\x04" + os.urandom(512))
    elif kind == 3:  # OLE2 container: what an encrypted .docx or a legacy .doc looks like
        (path := folder / f"bad_{i:05d}_encrypted.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    elif kind == 4:
        path = folder / f"bad_{i:05d}_huge.txt"
        with path.open("wb") as huge:
            huge.truncate(4 * 2**30)  # sparse: 4 GiB on paper, no disk used
    elif kind == 5:
        (path := folder / f"bad_{i:05d}_not_a_report.txt").write_text("今天天气很好，我们去公园散步。\n" * 50, "utf-8")
    else:
        (path := folder / f"bad_{i:05d}_scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + os.urandom(2048))
    return path


def make_corpus(folder: Path, documents: int) -> None:
    sources = sorted(p for root in SOURCES for p in root.iterdir() if p.suffix.lower() in TEXT_LIKE)
    for i in range(documents):
        if i % BAD_EVERY == BAD_EVERY - 1:
            _bad_input(folder, i)
            continue
        source = sources[i % len(sources)]
        (folder / f"doc_{i:05d}_{source.stem}{source.suffix}").write_bytes(source.read_bytes() + b"\n" * (i + 1))


# ---------------------------------------------------------------- memory of a process tree (Linux /proc)
def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree(pid: int) -> list[int]:
    pids, frontier = [pid], [pid]
    while frontier:
        frontier = [child for parent in frontier for child in _children(parent)]
        pids.extend(frontier)
    return pids


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    documents: int = 0
    errors: int = 0
    samples: list[tuple[int, float, float]] = field(default_factory=list)  # (lines written, main MiB, tree MiB)

    @property
    def rate(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def run_extract(corpus: Path, out: Path, label: str, options: list[str]) -> Run:
    command = [sys.executable, "-m", "govreport.cli", "extract", str(corpus), "-o", str(out), "--force", *options]
    run = Run(label)
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    while process.poll() is None:
        lines = out.read_bytes().count(b"\n") if out.exists() else 0
        run.samples.append((lines, _rss_mib(process.pid), sum(_rss_mib(p) for p in _tree(process.pid))))
        time.sleep(0.25)
    run.seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{label}: govreport exited {process.returncode}")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    run.documents = len(records)
    run.errors = sum(1 for r in records if r["error"])
    return run


def values(out: Path) -> dict[str, tuple[object, ...]]:
    records = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    return {r["doc"]: (r["values"], r["broken_identities"], r["error"]) for r in records}


def differences(first: dict[str, tuple[object, ...]], other: dict[str, tuple[object, ...]]) -> list[str]:
    """Documents whose values, broken identities or error differ between two runs (or are in one only)."""
    return sorted(doc for doc in first.keys() | other.keys() if first.get(doc) != other.get(doc))


def memory_by_progress(run: Run, documents: int) -> str:
    """Peak main and whole-tree RSS in each quarter of the run, by documents written."""
    quarters = []
    for q in range(4):
        low, high = q * documents / 4, (q + 1) * documents / 4
        inside = [s for s in run.samples if low <= s[0] < high or (q == 3 and s[0] >= high)]
        if inside:
            quarters.append(f"{max(s[1] for s in inside):.0f}/{max(s[2] for s in inside):.0f}")
        else:
            quarters.append("-")
    return " ".join(quarters)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--ray", action="store_true", help="also run --engine ray with 2 workers")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.documents)
        plans = [("1 worker", ["-j", "1"]), ("2 workers", ["-j", "2"])]
        if args.ray:
            plans.append(("ray, 2 workers", ["--engine", "ray", "-j", "2"]))
        runs = []
        for number, (label, options) in enumerate(plans):
            runs.append(run_extract(corpus, Path(tmp) / f"out{number}.jsonl", label, options))
        outputs = [Path(tmp) / f"out{number}.jsonl" for number in range(len(plans))]
        differing = [doc for out in outputs[1:] for doc in differences(values(outputs[0]), values(out))]

    print(f"{args.documents} documents ({args.documents // BAD_EVERY} bad inputs), {os.cpu_count()} CPU cores")
    print("run              docs   errors  seconds  docs/s   peak RSS MiB main/tree by quarter of the run")
    for run in runs:
        quarters = memory_by_progress(run, run.documents)
        print(f"{run.label:<16} {run.documents:>5} {run.errors:>7} {run.seconds:>8.1f} {run.rate:>7.1f}   {quarters}")
    print(f"throughput 2 workers / 1 worker: {runs[1].rate / runs[0].rate:.2f}x")
    print(f"identical values across runs: {not differing}")
    for doc in differing[:5]:
        print(f"  differs: {doc}")
    return 0 if not differing else 1


if __name__ == "__main__":
    sys.exit(main())
