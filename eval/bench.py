"""Benchmark: ``pipeline.extract`` over the text-like fixtures and samples, repeated.

    python eval/bench.py                  # passes until at least 5 s of extraction
    python eval/bench.py --repeat 20      # exactly 20 passes
    python eval/bench.py some/folder      # other documents

Prints documents per second, mean and p95 milliseconds per document, and the
process's peak resident memory. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # runs from a checkout without installing

TEXT_LIKE = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".docx"})
DEFAULT_ROOTS = (REPO / "tests" / "fixtures", REPO / "samples")


def find_documents(roots: list[Path]) -> list[Path]:
    """Text-like files under the roots, each content once (samples/ repeats the fixtures)."""
    found: dict[str, Path] = {}
    for root in roots:
        candidates = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in candidates:
            if path.is_file() and path.suffix.lower() in TEXT_LIKE:
                found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return list(found.values())


def peak_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


def run_pass(documents: list[Path]) -> tuple[list[float], int]:
    """Milliseconds per document, and how many results carried an error."""
    from govreport.pipeline import extract  # here, so --help works whatever state the stages are in

    timings: list[float] = []
    errors = 0
    for path in documents:
        started = time.perf_counter()
        result = extract(path)
        timings.append((time.perf_counter() - started) * 1000)
        errors += result.error is not None
    return timings, errors


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: tests/fixtures, samples)")
    parser.add_argument("--repeat", type=int, default=None, help="number of passes (default: until --seconds)")
    parser.add_argument("--seconds", type=float, default=5.0, help="minimum extraction time without --repeat")
    args = parser.parse_args(argv)

    documents = find_documents(args.paths or list(DEFAULT_ROOTS))
    if not documents:
        print("no text-like documents found", file=sys.stderr)
        return 2
    run_pass(documents[:1])  # warm-up: imports, caches, compiled patterns

    timings: list[float] = []
    errors = passes = 0
    started = time.perf_counter()
    while (passes < args.repeat) if args.repeat else (time.perf_counter() - started < args.seconds):
        pass_timings, pass_errors = run_pass(documents)
        timings += pass_timings
        errors += pass_errors
        passes += 1
    elapsed = time.perf_counter() - started

    rss = peak_rss_mib()
    print(f"documents: {len(documents)} × {passes} passes = {len(timings)} extractions in {elapsed:.2f} s")
    print(f"throughput: {len(timings) / elapsed:.1f} docs/s")
    print(f"per document: mean {statistics.fmean(timings):.1f} ms, p95 {p95(timings):.1f} ms")
    print(f"results with an error: {errors}")
    print(f"peak RSS: {rss:.0f} MiB" if rss is not None else "peak RSS: n/a on this platform")
    return 0


if __name__ == "__main__":
    sys.exit(main())
