"""Rules vs model vs hybrid on every real gold fixture, per group, plus calibration.

Two sets of documents:

* ``clean``: each gold fixture's own document (TXT/MD/HTML, and PDF where the PDF
  ingestion reads it);
* ``noised``: renditions of the same fixtures' text, one unit per line, damaged with
  the corpus's noise functions (``training.noise``: OCR confusions, blanks inside
  words, labels split over lines, broken 总计, heading numerals in digits) — never
  used in training. Numbers are left as printed, so the gold values still hold; a
  damaged heading line becomes the gold heading.

Calibration: every decision the model made (method ``model``) on the model and
hybrid runs, binned by its confidence, against whether the value it gave is right.

    python eval/ablation.py [--renditions 3] [--json eval/out/ablation.json] [--plot eval/out/calibration.png]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import GOLD  # noqa: E402
from conftest import gold_cases as fixture_cases  # noqa: E402

from govreport.evaluate import GROUPS, Gold, load_gold, reliability, score, values_equal  # noqa: E402
from govreport.ingest import load  # noqa: E402
from govreport.pipeline import extract  # noqa: E402
from training import noise  # noqa: E402

MODES = ("rules", "model", "hybrid")
SUFFIXES = {".txt", ".md", ".html", ".pdf"}
_CN = "一二三四五六"
_HEADING_NUMERAL = re.compile(r"^\s*([一二三四五六])\s*、")


def gold_cases() -> list[tuple[Gold, Path]]:
    """(gold, document) for every gold fixture in tests/fixtures (copies of shared/fixtures)."""
    golds = load_gold(GOLD)
    return [(golds[case.document.name], case.document) for case in fixture_cases(SUFFIXES)]


# ---------------------------------------------------------------- noised renditions


def _damaged_heading(heading: str, rng: random.Random) -> str:
    """A heading as OCR or a careless author prints it: numeral in digits, blanks inside."""
    m = _HEADING_NUMERAL.match(heading)
    if m and rng.random() < 0.5:
        heading = heading[: m.start(1)] + str(_CN.index(m.group(1)) + 1) + heading[m.end(1) :]
    return noise.spaces_inside(heading, rng, 0.1) if rng.random() < 0.4 else heading


def noised_rendition(text: str, gold: Gold, rng: random.Random, level: float = 0.5) -> tuple[str, Gold]:
    """The document's text damaged line by line; the title (first lines) and digits stay.
    A part heading (on its own line or run into one) gets heading damage, the same at each
    repetition, and the gold heading becomes the damaged one."""
    headings = {v: int(k.split(".")[1]) for k, v in gold.values.items() if k.startswith("section.") and v}
    damaged_headings = {h: _damaged_heading(h, rng) for h in headings}
    values = dict(gold.values)
    for heading, part in headings.items():
        values[f"section.{part}"] = damaged_headings[heading].strip()
    finder = re.compile("|".join(re.escape(h) for h in sorted(headings, key=len, reverse=True))) if headings else None
    lines = text.split("\n")
    title_end = next((i for i, line in enumerate(lines[:12]) if "报告" in line), 0) + 1
    out = lines[:title_end]
    for line in lines[title_end:]:
        if not line.strip() or line.strip().replace(".", "").isdigit():
            out.append(line)
            continue
        pieces, at = [], 0
        for m in finder.finditer(line) if finder else ():
            pieces += [noise.damage(line[at : m.start()], rng, level), damaged_headings[m.group()]]
            at = m.end()
        pieces.append(noise.damage(line[at:], rng, level) if at < len(line) else "")
        out.append("".join(pieces))
    return "\n".join(out), gold.model_copy(update={"values": values})


# ---------------------------------------------------------------- running and scoring


def run(path: Path, mode: str) -> dict[str, Any]:
    return extract(path, mode).to_json_dict()  # type: ignore[arg-type]


def model_decisions(pred: dict[str, Any], gold: Gold) -> list[tuple[float, bool]]:
    """(confidence, right) for each value the model gave (not its "found nothing") that gold scores."""
    out = []
    for item in [*pred["cells"], *pred["facts"]]:
        if item["method"] == "model" and item["key"] in gold.values and item["value"] is not None:
            out.append((item["confidence"], values_equal(gold.values[item["key"]], item["value"])))
    for section in pred["sections"]:
        key = f"section.{section['part']}"
        if section["method"] == "model" and key in gold.values and section["heading"] is not None:
            out.append((section["confidence"], values_equal(gold.values[key], section["heading"])))
    return out


def evaluate_set(cases: list[tuple[Gold, Path]]) -> tuple[dict, list[tuple[float, bool]], dict]:
    """Per mode and group: right/total; the model's decisions; per-document misses."""
    table: dict[str, dict[str, list[int]]] = {m: {g: [0, 0] for g in GROUPS} for m in MODES}
    decisions: list[tuple[float, bool]] = []
    misses: dict[str, dict[str, list]] = {m: {} for m in MODES}
    for gold, path in cases:
        for mode in MODES:
            pred = run(path, mode)
            doc = score(gold, pred)
            for group, count in doc.groups.items():
                table[mode][group][0] += count.right
                table[mode][group][1] += count.total
            if doc.misses:
                misses[mode][path.name] = [(m.key, m.gold, m.predicted) for m in doc.misses]
            if mode != "rules":
                decisions += model_decisions(pred, gold)
    return table, decisions, misses


def print_table(name: str, table: dict) -> None:
    print(f"\n{name}: accuracy per group (right/total)")
    print(f"{'mode':8}" + "".join(f"{g:>18}" for g in GROUPS))
    for mode, groups in table.items():
        cells = "".join(f"{r / t:>10.1%} {r:>3}/{t:<3}" if t else f"{'-':>18}" for r, t in groups.values())
        print(f"{mode:8}{cells}")


def plot(path: Path, sets: dict[str, list[dict]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "k--", lw=1, label="perfect calibration")
    for name, rows in sets.items():
        ax.plot([r["mean_confidence"] for r in rows], [r["accuracy"] for r in rows], "o-", label=name)
    ax.set_xlabel("model confidence (bin mean)")
    ax.set_ylabel("share of decisions right")
    ax.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renditions", type=int, default=3, help="noised renditions per fixture")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", type=Path, help="write every number here")
    parser.add_argument("--plot", type=Path, help="write the reliability diagram (PNG) here")
    args = parser.parse_args()
    cases = gold_cases()
    rng = random.Random(args.seed)
    report: dict[str, Any] = {"documents": [p.name for _, p in cases]}
    calibration = {}
    with tempfile.TemporaryDirectory() as tmp:
        noised = []
        for gold, path in cases:
            text = load(path).text
            for i in range(args.renditions):
                damaged, noised_gold = noised_rendition(text, gold, rng)
                target = Path(tmp) / f"{path.stem}-noised{i}.txt"
                target.write_text(damaged, encoding="utf-8")
                noised.append((noised_gold, target))
        for name, docs in (("clean", cases), ("noised", noised)):
            table, decisions, misses = evaluate_set(docs)
            print_table(f"{name} ({len(docs)} documents)", table)
            calibration[name] = reliability(decisions)
            report[name] = {"accuracy": table, "calibration": calibration[name], "misses": misses}
            print(f"calibration of the model's decisions ({name}):")
            for row in calibration[name]:
                conf, right = row["mean_confidence"], row["accuracy"]
                print(f"  {row['bin']:>14}  n={row['count']:<5} confidence={conf:.3f}  right={right:.3f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.plot:
        plot(args.plot, calibration)


if __name__ == "__main__":
    main()
