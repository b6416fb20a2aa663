"""Benchmark: ``govreport panel`` over 1,000 records (the issue asks for under 5 s).

    python eval/bench_panel.py                    # 100 agencies x 10 years
    python eval/bench_panel.py --agencies 300     # 3,000 records

The records are real extraction results: an agency's consecutive years made by
``eval/series.py`` are extracted once, then copied under many agencies (each
printed several ways) and years, full records with every cell's provenance, so
the JSONL read is as large as a real batch's. Every tenth agency gets one
carried-over figure moved, so the cross-year check has breaks to find. It times
``govreport panel`` as a user runs it (a fresh process, reading the JSONL and
writing each format) and, in this process, building the panel alone: wall time
and CPU time (on a shared machine the wall time includes waiting for a core).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from eval.series import agency_series, write_series  # noqa: E402
from govreport.pipeline import extract  # noqa: E402

PLACES = ("绿园区", "涧西区", "环翠区", "洪泽区", "平潭综合实验区", "西湖区", "南山区", "武侯区", "江北区", "鼓楼区")
BODIES = ("卫健局", "卫生健康局", "人社局", "人力资源和社会保障局", "人民政府", "政府", "科委", "市场监管局")


def base_records(folder: Path, years: int) -> list[dict]:
    specs = agency_series(["平潭综合实验区"], list(range(2015, 2015 + years)))
    return [extract(str(path)).to_json_dict() for path in write_series(folder, specs, "base")]


def corpus(records: list[dict], agencies: int) -> list[dict]:
    out = []
    for a in range(agencies):
        place = f"{PLACES[a % len(PLACES)]}{a // len(PLACES)}"
        body = BODIES[(a // 2) % len(BODIES)]
        for i, record in enumerate(records):
            copy = json.loads(json.dumps(record))
            printed = f"{place}{body}" if i % 2 == 0 else f"{place}{body}网站"  # one body, printed two ways
            copy["doc"] = f"reports/{a:04d}/{i}.html"
            copy["content_sha256"] = f"{a:04d}{i:060d}"
            copy["values"]["meta.agency"] = printed
            if a % 10 == 0 and i == len(records) // 2:
                copy["values"]["t3.carried_over.natural_person"] += 1
            out.append(copy)
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    from govreport.panel import build_panel

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records = corpus(base_records(folder / "base", args.years), args.agencies)
        journal = folder / "out.jsonl"
        journal.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        size = journal.stat().st_size / 2**20
        print(f"{len(records)} records, {size:.1f} MiB of JSONL")
        started, cpu = time.perf_counter(), time.process_time()
        panel = build_panel([journal])
        built, cpu = time.perf_counter() - started, time.process_time() - cpu
        breaks = len(panel.findings_of("cross_year_break"))
        print(
            f"build_panel: {built:.2f} s wall, {cpu:.2f} s CPU -> {len(panel.rows)} rows, "
            f"{len(panel.findings)} findings ({breaks} cross-year breaks)"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
        for suffix in (".parquet", ".csv", ".xlsx", ".duckdb"):
            output = folder / f"panel{suffix}"
            command = [sys.executable, "-m", "govreport.cli", "panel", str(journal), "-o", str(output)]
            started, before = time.perf_counter(), _children_cpu()
            subprocess.run(command, check=True, capture_output=True, env=env)
            wall, cpu = time.perf_counter() - started, _children_cpu() - before
            print(f"govreport panel -o panel{suffix}: {wall:.2f} s wall, {cpu:.2f} s CPU (the whole process)")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time includes waiting for one)")


if __name__ == "__main__":
    main()
