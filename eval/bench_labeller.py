"""Labelling speed: documents per second of each labeller path, and of the model alone.

    python eval/bench_labeller.py                 # fixtures + samples, ≥ 3 s per measurement
    python eval/bench_labeller.py --noised 2      # plus noised renditions (where the hybrid runs the model)

For each mode (rules, model, hybrid) it times ``pipeline.process`` on documents
already loaded (ingestion is the same for every mode and is left out), and the
model alone (``Tagger.spans`` over the whole text). Also prints how many characters
the hybrid sent to the model. Not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from eval.bench import DEFAULT_ROOTS, find_documents  # noqa: E402
from govreport.document import Document  # noqa: E402
from govreport.ingest import load  # noqa: E402
from govreport.labelling.runtime import default_tagger  # noqa: E402
from govreport.pipeline import process  # noqa: E402


def timed(docs: list[Document], run, min_seconds: float) -> tuple[int, float]:
    """Documents run and seconds taken: whole passes over ``docs`` until ``min_seconds``."""
    done, started = 0, time.perf_counter()
    while True:
        for doc in docs:
            run(copy.deepcopy(doc))  # a fresh copy: the stages annotate the document
            done += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return done, elapsed


def noised_documents(paths: list[Path], per_doc: int) -> list[Document]:
    from eval.ablation import gold_cases, noised_rendition

    rng = random.Random(7)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for gold, path in gold_cases():
            for i in range(per_doc):
                text, _ = noised_rendition(load(path).text, gold, rng)
                target = Path(tmp) / f"{path.stem}-{i}.txt"
                target.write_text(text, encoding="utf-8")
                out.append(load(target))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--noised", type=int, default=0, help="also time N noised renditions per gold fixture")
    args = parser.parse_args()
    paths = find_documents(list(DEFAULT_ROOTS))
    sets = {"typical (fixtures + samples)": [load(p) for p in paths]}
    if args.noised:
        sets["noised renditions"] = noised_documents(paths, args.noised)
    tagger = default_tagger()
    for name, docs in sets.items():
        chars = sum(len(d.text) for d in docs) / len(docs)
        print(f"{name}: {len(docs)} documents, {chars:.0f} characters on average")
        for mode in ("rules", "hybrid", "model"):
            before = tagger.chars_labelled if tagger else 0
            done, seconds = timed(docs, lambda d, m=mode: process(d, m), args.seconds)
            share = ""
            if tagger is not None and mode != "rules":
                share = f"  (the model read {(tagger.chars_labelled - before) / done / chars:.0%} of the text)"
            print(f"  {mode:7} {done / seconds:7.1f} docs/s{share}")
        if tagger is not None:
            done, seconds = timed(docs, lambda d: tagger.spans(d.text), args.seconds)
            rate = done / seconds
            print(f"  model alone (whole text) {rate:.1f} docs/s, {rate * chars / 1000:.0f}k chars/s")


if __name__ == "__main__":
    main()
