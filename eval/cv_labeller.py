"""Cross-validation of the labeller over the real gold fixtures: train without a fold's
reports, score on them; pretrained (LAC) vs from scratch, same data and steps; the model
alone and the model-first hybrid against the rules, per group.

    python eval/cv_labeller.py train --init lac --folds 3 --steps 200 --max-len 64   # one model per fold
    python eval/cv_labeller.py train --init scratch --folds 3 --steps 200 --max-len 64
    python eval/cv_labeller.py score --folds 3 --json out/cv/cv.json       # every fold model found
    python eval/cv_labeller.py score --folds 3 --noised 2                  # on noised copies of the held-out reports

A fold's model never saw its reports: ``training.train`` gets them as ``fixtures.exclude``
(the synthetic corpus is the same for every fold). Training runs under the caller's
``nice``; each fold is one ``training.train`` run of ``--steps`` steps.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport.evaluate import GROUPS, score  # noqa: E402
from govreport.ingest import load  # noqa: E402
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


def held_out_documents(held_out: list[Fixture], renditions: int, rng: random.Random, folder: Path) -> list:
    """(name, gold, path) of each fixture's own document, or of ``renditions`` noised copies of
    its text (``eval.ablation.noised_rendition``: OCR-like damage, headings renumbered/blanked)."""
    if not renditions:
        return [(f.name, f.gold, f.document) for f in held_out]
    from eval.ablation import noised_rendition

    out = []
    for fixture in held_out:
        text = load(fixture.document).text
        for i in range(renditions):
            damaged, gold = noised_rendition(text, fixture.gold, rng)
            path = folder / f"{Path(fixture.name).stem}-noised{i}.txt"
            path.write_text(damaged, encoding="utf-8")
            out.append((path.name, gold, path))
    return out


def score_folds(k: int, renditions: int = 0, seed: int = 2024) -> dict:
    """Right/total per group for the rules and, per init with fold models, model and hybrid;
    on the fixtures' own documents, or (``renditions``) on noised copies of them."""
    table: dict[str, dict[str, list[int]]] = {}
    misses: dict[str, dict[str, list]] = {}
    decided: dict[str, int] = {}
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="cv-noised-"))

    def add(row: str, name: str, gold, pred: dict) -> None:
        doc = score(gold, pred)
        decided[row] = decided.get(row, 0) + sum(
            item["method"] == "model" for item in [*pred["cells"], *pred["facts"], *pred["sections"]]
        )
        counts = table.setdefault(row, {g: [0, 0] for g in GROUPS})
        for group, count in doc.groups.items():
            counts[group][0] += count.right
            counts[group][1] += count.total
        if doc.misses:
            misses.setdefault(row, {})[name] = [(m.key, m.gold, m.predicted) for m in doc.misses]

    for i, held_out in enumerate(folds(k)):
        documents = held_out_documents(held_out, renditions, rng, folder)
        for name, gold, path in documents:
            add("rules", name, gold, extract(path, "rules").to_json_dict())
        for init in INITS:
            model_dir = fold_dir(init, i)
            if not (model_dir / "labeller.json").exists():
                continue
            policy = LabellerPolicy(model_dir=model_dir)
            for name, gold, path in documents:
                for mode in ("model", "hybrid"):
                    result = extract(path, mode, policy=policy)  # type: ignore[arg-type]
                    assert result.labeller == mode, result.findings
                    add(f"{mode} ({init})", name, gold, result.to_json_dict())
    folds_ = [[f.name for f in fold] for fold in folds(k)]
    return {"folds": folds_, "renditions": renditions, "accuracy": table, "decided_by_model": decided, "misses": misses}


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
    score_p.add_argument("--noised", type=int, default=0, help="score on this many noised copies of each fixture")
    score_p.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.command == "train":
        train_folds(args.init, args.folds, args.steps, args.config, args.max_len)
        return
    report = score_folds(args.folds, args.noised)
    print_table(report["accuracy"])
    print("values decided by the model:", report["decided_by_model"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
