"""Cross-validation of the labeller over the real gold fixtures: train without a fold's
reports, score on them; pretrained (LAC) vs from scratch, same data and steps; the model
alone and the model-first hybrid against the rules, per group.

    python eval/cv_labeller.py train --init lac --folds 3 --steps 200 --max-len 64   # one model per fold
    python eval/cv_labeller.py train --init scratch --folds 3 --steps 200 --max-len 64
    python eval/cv_labeller.py score --folds 3 --json out/cv/cv.json       # every fold model found

A fold's model never saw its reports: ``training.train`` gets them as ``fixtures.exclude``
(the synthetic corpus is the same for every fold). Training runs under the caller's
``nice``; each fold is one ``training.train`` run of ``--steps`` steps.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport.evaluate import GROUPS, score  # noqa: E402
from govreport.labelling.labeller import LabellerPolicy  # noqa: E402
from govreport.pipeline import extract  # noqa: E402
from training.fixtures import Fixture, fixtures  # noqa: E402

INITS = ("lac", "scratch")
MODES = ("rules", "model", "hybrid")
OUT = ROOT / "out" / "cv"


def folds(k: int) -> list[list[Fixture]]:
    """The fixtures dealt round-robin (in name order) into ``k`` folds."""
    cases = fixtures()
    return [cases[i::k] for i in range(k)]


def fold_dir(init: str, fold: int) -> Path:
    return OUT / f"{init}-fold{fold}"


def train_folds(init: str, k: int, steps: int, config: str, max_len: int | None) -> None:
    from training.train import Config, train

    for i, held_out in enumerate(folds(k)):
        cfg = Config.load(config)
        cfg.out = str(fold_dir(init, i))
        cfg.steps = steps
        cfg.max_len = max_len or cfg.max_len
        cfg.eval_docs = min(cfg.eval_docs or 12, 12)
        cfg.fixtures = {**cfg.fixtures, "use": True, "exclude": [f.name for f in held_out]}
        if init == "scratch":
            cfg.pretrained = None
        print(f"== {init} fold {i}: held out {[f.name for f in held_out]}", flush=True)
        train(cfg)


def score_folds(k: int) -> dict:
    """Right/total per group for the rules and, per init with fold models, model and hybrid."""
    table: dict[str, dict[str, list[int]]] = {}
    misses: dict[str, dict[str, list]] = {}

    def add(row: str, name: str, gold, pred: dict) -> None:
        doc = score(gold, pred)
        counts = table.setdefault(row, {g: [0, 0] for g in GROUPS})
        for group, count in doc.groups.items():
            counts[group][0] += count.right
            counts[group][1] += count.total
        if doc.misses:
            misses.setdefault(row, {})[name] = [(m.key, m.gold, m.predicted) for m in doc.misses]

    for i, held_out in enumerate(folds(k)):
        for fixture in held_out:
            add("rules", fixture.name, fixture.gold, extract(fixture.document, "rules").to_json_dict())
        for init in INITS:
            model_dir = fold_dir(init, i)
            if not (model_dir / "labeller.json").exists():
                continue
            policy = LabellerPolicy(model_dir=model_dir)
            for fixture in held_out:
                for mode in ("model", "hybrid"):
                    result = extract(fixture.document, mode, policy)  # type: ignore[arg-type]
                    assert result.labeller == mode, result.findings
                    add(f"{mode} ({init})", fixture.name, fixture.gold, result.to_json_dict())
    return {"folds": [[f.name for f in fold] for fold in folds(k)], "accuracy": table, "misses": misses}


def print_table(table: dict) -> None:
    print(f"{'labeller':18}" + "".join(f"{g:>18}" for g in GROUPS))
    for row, groups in table.items():
        cells = "".join(f"{r / t:>10.1%} {r:>3}/{t:<3}" if t else f"{'-':>18}" for r, t in groups.values())
        print(f"{row:18}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    train_p = sub.add_parser("train")
    train_p.add_argument("--init", choices=INITS, required=True)
    train_p.add_argument("--folds", type=int, default=3)
    train_p.add_argument("--steps", type=int, default=400)
    train_p.add_argument("--max-len", type=int, help="training window (default: the config's)")
    train_p.add_argument("--config", default=str(ROOT / "training" / "configs" / "lac.yaml"))
    score_p = sub.add_parser("score")
    score_p.add_argument("--folds", type=int, default=3)
    score_p.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.command == "train":
        train_folds(args.init, args.folds, args.steps, args.config, args.max_len)
        return
    report = score_folds(args.folds)
    print_table(report["accuracy"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
