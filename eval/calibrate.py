"""Refit the value calibrators and the review threshold (one command, a few minutes without scans).

    python eval/calibrate.py                          # fixtures x renditions x labellers -> data file
    python eval/calibrate.py --scan                   # also the scans, clean and every damage (the shipped fit)
    python eval/calibrate.py --scan --cache DIR       # the renditions kept in DIR and reused (as eval/report.py)
    python eval/calibrate.py --records /tmp/v.jsonl   # keep the collected values (or --from-records them)

Runs every gold fixture in each format of the benchmark (``eval/report.py``'s
``FORMATS``: the renditions, the producers' and the layout classes; the scans, clean
and with each damage of ``eval/degrade.py`` and ``eval/damage.py``, with ``--scan``;
a few with ``--formats``) through each
labeller mode, and collects, for every gold key, the value's path, its raw score,
whether it is right and whether the result lists it for a reason other than its
confidence (a broken identity, a derived value not pinned down, evidence). Per path,
an isotonic map score -> P(right) is fitted by k-fold over fixtures (every rendition
of a fixture in the same fold), so the reliability printed is on fixtures the map did
not see; the review threshold is chosen on those held-apart probabilities: the one
listing the fewest values with silent errors at most ``TARGET_SILENT × MARGIN`` of values
(reports nobody has seen are harder than renditions of the fixtures). The
maps fitted on all values and the threshold are written to
``src/govreport/data/calibration.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # runs from a checkout without installing
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "eval"))

from conftest import GOLD, gold_cases  # noqa: E402
from variations import Variant  # noqa: E402

from govreport.calibrate import CALIBRATION_FILE, POOLED, Calibration, StepMap  # noqa: E402
from govreport.evaluate import load_gold, values_equal  # noqa: E402

DATA_FILE = REPO / "src" / "govreport" / "data" / CALIBRATION_FILE
LABELLERS = ("rules", "model", "hybrid")
TARGET_SILENT = 0.001  # silent errors per value the product promises to keep under
MARGIN = 0.5  # ... of which the held-apart fixtures may use this share
LISTED_SLACK = 0.0005  # of all values: listing this many more is worth a threshold clear of a flat curve's low end
# a value more likely than one in five to be wrong is listed, however few such values there are (a
# fit over many near-certain values put the threshold at 0.63: shifted table rows at 0.71 went unlisted)
LIST_BELOW_AT_LEAST = 0.8
MIN_VALUES = 30  # a path with fewer values uses the pooled map
FOLDS = 5
ECE_BINS = 10
PRIOR_STEPS = 20  # the raw-score prior: a pseudo-value every 0.05 ...
PRIOR_WEIGHT = 1.0  # ... weighing as much as one value


@dataclass
class Observation:
    """One gold key's value in one run: what the calibrator learns from."""

    fixture: str
    format: str
    labeller: str
    key: str
    path: str
    score: float
    right: bool
    listed_otherwise: bool  # in the review list for a reason other than its confidence


# ---------------------------------------------------------------- collecting
def observations(result: Any, gold: dict[str, Any], fixture: str, fmt: str, labeller: str) -> list[Observation]:
    """An observation per gold key the result holds a value for (a failed document has none)."""
    if result.error:
        return []
    items = {f.key: f for f in result.facts}
    items.update({f"section.{s.part}": s for s in result.sections})
    items.update({c.key: c for c in result.cells})
    value_of = result.values
    out = []
    for key, gold_value in gold.items():
        item = items.get(key)
        if item is None or item.path is None or item.score is None:
            continue
        other = [r for r in result.review_reasons.get(key, []) if r != "low_confidence"]
        right = values_equal(gold_value, value_of.get(key))
        out.append(Observation(fixture, fmt, labeller, key, item.path, item.score, right, bool(other)))
    return out


def collect(formats: list[str], labellers: list[str], folder: Path) -> list[Observation]:
    from report import MAKERS, missing_tool  # (report.py uses this module's fitting)

    from govreport.pipeline import extract_modes

    golds = {g.name: g for g in load_gold(GOLD).values()}
    cases = gold_cases({".txt", ".md", ".html", ".pdf"})
    unknown = sorted(set(formats) - set(MAKERS))
    if unknown:
        raise SystemExit(f"unknown formats {', '.join(unknown)}: eval/report.py makes {', '.join(MAKERS)}")
    out: list[Observation] = []
    for fmt in formats:
        if tool := missing_tool(fmt):
            print(f"skipping {fmt}: {tool} is not installed", file=sys.stderr)
            continue
        for case in cases:
            path = MAKERS[fmt](case, folder)
            if path is None:
                continue
            gold = golds[case.document.name].values
            if isinstance(path, Variant):  # a layout class may change what the document prints
                path, gold = path.path, path.case.values
            # loaded once per rendition (OCR is the slow part); each labeller reads a copy
            for labeller, result in extract_modes(path, labellers).items():  # type: ignore[arg-type]
                if result.error:
                    print(f"{fmt} {case.name} {labeller}: {result.error}", file=sys.stderr)
                    continue
                out += observations(result, gold, case.name, fmt, labeller)
        print(f"{fmt:9} {len(out):6} values so far", file=sys.stderr)
    return out


# ---------------------------------------------------------------- fitting
def fit_map(scores: np.ndarray, right: np.ndarray) -> StepMap:
    """Isotonic score -> P(right), with the raw score as a weak prior: ``PRIOR_WEIGHT``
    pseudo-values at each step of a grid over [0, 1] that are right as often as their score
    says. Where values are many they decide; where a path has seen few or none at a score
    (a path right on every value seen is not proven never wrong) the score stands. Kept off
    0 and 1 by half a value's weight."""
    grid = np.linspace(0.0, 1.0, PRIOR_STEPS + 1)
    x = np.concatenate([scores, grid])
    y = np.concatenate([right, grid])
    weight = np.concatenate([np.ones(len(scores)), np.full(len(grid), PRIOR_WEIGHT)])
    margin = 0.5 / (len(scores) + 1)
    iso = IsotonicRegression(y_min=margin, y_max=1 - margin, out_of_bounds="clip").fit(x, y, sample_weight=weight)
    return StepMap(tuple(float(v) for v in iso.X_thresholds_), tuple(float(v) for v in iso.y_thresholds_))


def fit_maps(obs: list[Observation]) -> dict[str, StepMap]:
    by_path: dict[str, list[Observation]] = defaultdict(list)
    for o in obs:
        by_path[o.path].append(o)
    maps = {POOLED: _fit(obs)}
    maps.update({path: _fit(items) for path, items in by_path.items() if len(items) >= MIN_VALUES})
    return maps


def _fit(obs: list[Observation]) -> StepMap:
    return fit_map(np.array([o.score for o in obs]), np.array([o.right for o in obs], dtype=float))


def held_apart(obs: list[Observation], folds: int = FOLDS) -> np.ndarray:
    """Each observation's probability from maps fitted without its fixture's fold."""
    fixtures = sorted({o.fixture for o in obs})
    fold_of = {name: i % folds for i, name in enumerate(fixtures)}
    probs = np.zeros(len(obs))
    for fold in range(folds):
        train = [o for o in obs if fold_of[o.fixture] != fold]
        calibration = Calibration(fit_maps(train), 0.0)
        for i, o in enumerate(obs):
            if fold_of[o.fixture] == fold:
                probs[i] = calibration.probability(o.path, o.score)
    return probs


def ece(probs: np.ndarray, right: np.ndarray, bins: int = ECE_BINS) -> float:
    """Expected calibration error: the value-weighted gap between confidence and accuracy per bin."""
    if not len(probs):
        return 0.0
    index = np.minimum((probs * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = index == b
        if inside.any():
            total += inside.sum() * abs(probs[inside].mean() - right[inside].mean())
    return float(total / len(probs))


def curve(probs: np.ndarray, obs: list[Observation]) -> list[dict[str, float]]:
    """Silent-error rate and share of values listed at each candidate threshold."""
    right = np.array([o.right for o in obs])
    other = np.array([o.listed_otherwise for o in obs])
    candidates = sorted({0.0, *np.round(probs, 6).tolist(), 1.0})
    points = []
    for threshold in candidates:
        listed = other | (probs < threshold)
        points.append(
            {
                "threshold": float(threshold),
                "listed": float(listed.mean()),
                "silent": float((~right & ~listed).mean()),
            }
        )
    return points


def choose_threshold(points: list[dict[str, float]], target: float = TARGET_SILENT * MARGIN) -> dict[str, float]:
    """Of the points whose silent-error rate is within the target, the highest threshold listing
    no more than ``LISTED_SLACK`` over the fewest listed (the highest threshold where none reaches
    it); at least ``LIST_BELOW_AT_LEAST``. Where calibrated values part into the near-certain and
    the near-hopeless, the curve is flat between them: its low end lists as few but leaves every
    value on the flat unlisted."""
    ok = [p for p in points if p["silent"] <= target]
    if not ok:
        return points[-1]
    fewest = min(p["listed"] for p in ok)
    chosen = max((p for p in ok if p["listed"] <= fewest + LISTED_SLACK), key=lambda p: p["threshold"])
    if chosen["threshold"] >= LIST_BELOW_AT_LEAST:
        return chosen
    # listing more never raises the silent rate: the lowest point at the floor is within the target too
    at_floor = [p for p in points if p["threshold"] >= LIST_BELOW_AT_LEAST]
    return min(at_floor, key=lambda p: p["threshold"], default=chosen)


def report(obs: list[Observation], probs: np.ndarray, chosen: dict[str, float]) -> dict[str, Any]:
    right = np.array([o.right for o in obs], dtype=float)
    paths = Counter(o.path for o in obs)
    per_path = {}
    for path in sorted(paths):
        mask = np.array([o.path == path for o in obs])
        per_path[path] = {
            "values": int(mask.sum()),
            "accuracy": float(right[mask].mean()),
            "ece": ece(probs[mask], right[mask]),
        }
    return {"values": len(obs), "ece": ece(probs, right), "paths": per_path, "chosen": chosen}


def fit(obs: list[Observation]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data file's content (maps on all values, threshold from held-apart) and the fit's report."""
    probs = held_apart(obs)
    points = curve(probs, obs)
    chosen = choose_threshold(points)
    maps = fit_maps(obs)
    data = {
        "review_below": chosen["threshold"],
        "values": len(obs),
        "paths": {
            path: {"scores": _rounded(m.scores), "probabilities": _rounded(m.probabilities)} for path, m in maps.items()
        },
    }
    summary = report(obs, probs, chosen)
    summary["curve"] = _thin(points)
    return data, summary


def _rounded(points: tuple[float, ...]) -> list[float]:
    return [round(p, 6) for p in points]


def write_data(data: dict[str, Any], path: Path) -> None:
    """The data file: one line per path's map, so a refit reads as a short diff."""
    paths = ",\n".join(f"  {json.dumps(name)}: {json.dumps(m)}" for name, m in data["paths"].items())
    head = {k: v for k, v in data.items() if k != "paths"}
    path.write_text(json.dumps(head)[:-1] + ', "paths": {\n' + paths + "\n}}\n", encoding="utf-8")


def _thin(points: list[dict[str, float]], limit: int = 40) -> list[dict[str, float]]:
    step = max(1, len(points) // limit)
    return points[::step] + ([points[-1]] if (len(points) - 1) % step else [])


def print_summary(summary: dict[str, Any]) -> None:
    print(f"{summary['values']} values, held-apart ECE {summary['ece']:.4f} (k={FOLDS} over fixtures)")
    print(f"{'path':14} {'values':>7} {'accuracy':>9} {'ECE':>7}")
    for path, row in summary["paths"].items():
        print(f"{path:14} {row['values']:7} {100 * row['accuracy']:8.2f}% {row['ece']:7.4f}")
    print("silent errors vs values listed (held apart):")
    print(f"{'threshold':>10} {'listed':>8} {'silent':>8}")
    for point in summary["curve"]:
        print(f"{point['threshold']:10.4f} {100 * point['listed']:7.2f}% {100 * point['silent']:7.3f}%")
    c = summary["chosen"]
    print(
        f"chosen: review below {c['threshold']:.4f}: {100 * c['listed']:.2f}% listed, {100 * c['silent']:.3f}% silent"
    )


def refit(observed: list[Observation], data_file: Path = DATA_FILE) -> dict[str, Any]:
    data, summary = fit(observed)
    write_data(data, data_file)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scan", action="store_true", help="also the scans, clean and damaged (minutes of OCR)")
    parser.add_argument(
        "--formats", nargs="+", help="formats of eval/report.py (default: the renditions but scans, the layout classes)"
    )
    parser.add_argument("--labellers", nargs="+", choices=LABELLERS, default=list(LABELLERS))
    parser.add_argument("--records", type=Path, help="write the collected values here (JSON lines)")
    parser.add_argument("--from-records", type=Path, help="fit on values collected earlier instead of running")
    parser.add_argument("--out", type=Path, default=DATA_FILE, help="the calibration data file to write")
    parser.add_argument("--summary", type=Path, help="write the fit's report (JSON)")
    parser.add_argument("--cache", type=Path, help="keep the renditions in this folder and reuse them (as report.py)")
    args = parser.parse_args(argv)
    if args.from_records:
        lines = args.from_records.read_text(encoding="utf-8").splitlines()
        observed = [Observation(**json.loads(line)) for line in lines if line.strip()]
    else:
        from report import FORMATS  # (report.py uses this module's fitting)

        scans = [f for f in FORMATS if f.startswith("scan")]  # OCR of every page: minutes each
        formats = args.formats or [f for f in FORMATS if f not in scans or args.scan]
        if args.cache:
            args.cache.mkdir(parents=True, exist_ok=True)
            observed = collect(formats, args.labellers, args.cache)
        else:
            with tempfile.TemporaryDirectory(prefix="govreport-calibrate-") as folder:
                observed = collect(formats, args.labellers, Path(folder))
    if args.records:
        args.records.write_text("".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in observed))
    summary = refit(observed, args.out)
    print_summary(summary)
    if args.summary:
        args.summary.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
