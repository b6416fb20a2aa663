"""Fine-tune LAC's pretrained encoder (or train from scratch) as the labeller, from one config.

    python -m training.train --config training/configs/lac.yaml

Steps: the corpus (``training.corpus``; built, or read from ``data.path``) plus the real
fixtures' own text labelled by aligning their gold (``training.fixtures``; ``fixtures.exclude``
keeps reports out, for cross-validation) → windows of at most ``max_len`` characters, a share
(``windows``) cut as the runtime cuts what it asks the model about, the rest at random →
``training.model.GruTagger`` (LAC's architecture; its embeddings and GRU layers loaded from
``pretrained``, LAC's ``lac_model`` folder, where given; characters LAC lacks get new rows)
with AdamW and a linear schedule → export to ONNX (``training.export``) → scores of the
exported model on the validation and test splits (seqeval entity F1, scikit-learn
per-character accuracy and macro F1) → the calibrator and the threshold, fitted on the
validation split (``training.calibrate``) → int8 where it keeps accuracy, into ``out``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import torch
import yaml

from govreport.labelling.labeller import fact_regions, numbered_windows, title_region
from govreport.labelling.labels import FACT_TYPES, LABELS, part_of
from govreport.labelling.runtime import merged_regions
from govreport.labelling.spans import label_spans, window_starts
from govreport.labelling.vocab import NEWLINE, PAD, SPACE, TAB, UNK, CharVocab
from training import export, fixtures, lac
from training.corpus import build_dataset
from training.model import IGNORE, GruTagger, GruTaggerConfig


@dataclass
class Config:
    out: str
    data: dict = field(default_factory=lambda: {"train": 1200, "validation": 150, "test": 150, "seed": 7})
    model: dict = field(default_factory=lambda: {"embed": 128, "hidden": 128, "layers": 2, "dropout": 0.1})
    pretrained: str | None = None  # LAC's lac_model folder (training.lac); None: from scratch
    fixtures: dict = field(default_factory=lambda: {"use": False, "exclude": [], "share": 0.3})
    # share of training windows cut as the runtime cuts each kind of stretch it asks about (the rest uniform)
    windows: dict = field(default_factory=lambda: {"title": 0.0, "heading": 0.0, "fact": 0.0})
    max_len: int = 128
    steps: int = 1000
    batch: int = 16
    lr: float = 2e-3
    warmup: float = 0.06
    seed: int = 13
    threads: int = 1
    eval_docs: int | None = None  # cap on validation/test documents scored (None: all)
    quantize: bool = True

    @classmethod
    def load(cls, path: str | Path) -> Config:
        text = Path(path).read_text(encoding="utf-8")
        raw = json.loads(text) if str(path).endswith(".json") else yaml.safe_load(text)
        return cls(**raw)


def load_corpus(data: dict):
    """The dataset from ``data.path`` when it is there, else built (and saved there when a path is given)."""
    from datasets import load_from_disk

    path = data.get("path")
    if path and Path(path).exists():
        return load_from_disk(path)
    dataset = build_dataset(data["train"], data["validation"], data["test"], data["seed"])
    if path:
        dataset.save_to_disk(path)
    return dataset


def lac_rows(vocab: CharVocab, weights: lac.LacWeights) -> list[int | None]:
    """Per token of ``vocab``, LAC's embedding row (None: a new row). A blank is LAC's
    space, an unknown character LAC's OOV; line breaks and tabs, which LAC never saw
    (it reads one sentence at a time), get new rows."""
    special = {SPACE: lac.lac_row(weights, " "), UNK: weights.oov_id, PAD: None, NEWLINE: None, TAB: None}
    return [special[t] if t in special else lac.lac_row(weights, t) for t in vocab.tokens]


def new_model(config: Config, vocab: CharVocab, base_model: str | None) -> tuple[GruTagger, dict]:
    """The model to train and how it was initialised."""
    id2label = dict(enumerate(LABELS))
    label2id = {label: i for i, label in id2label.items()}
    if base_model:
        return GruTagger.from_pretrained(base_model), {"init": f"checkpoint {base_model}"}
    m = config.model
    model = GruTagger(
        GruTaggerConfig(
            vocab_size=len(vocab),
            embed=m["embed"],
            hidden=m["hidden"],
            layers=m["layers"],
            dropout=m.get("dropout", 0.1),
            num_labels=len(LABELS),
            id2label=id2label,
            label2id=label2id,
        )
    )
    if not config.pretrained:
        return model, {"init": "random (from scratch)"}
    weights = lac.load_lac(config.pretrained)
    from_lac = lac.load_into(model, weights, lac_rows(vocab, weights), seed=config.seed)
    return model, {
        "init": "LAC 2.1.2 lac_model",
        "vocab_rows_from_lac": from_lac,
        "vocab_rows_new": len(vocab) - from_lac,
    }


def part_spans(labels: list[int]) -> dict[int, tuple[int, int]]:
    """Part -> (start, next part's start) from a document's own part heading labels (its first
    heading of each part), as ``govreport.sections`` sets ``Document.section_spans``."""
    first: dict[int, int] = {}
    for span in label_spans(labels):
        part = part_of(span.entity)
        if part is not None and part not in first:
            first[part] = span.start
    ordered = sorted(first.items(), key=lambda item: item[1])
    return {
        part: (start, ordered[i + 1][1] if i + 1 < len(ordered) else len(labels))
        for i, (part, start) in enumerate(ordered)
    }


def runtime_windows(
    text: str, labels: list[int], max_len: int, wrapped: bool = False
) -> dict[str, list[tuple[int, int]]]:
    """The stretches of one document the runtime asks the model about, per kind, cut into
    windows as the runtime cuts them (``Tagger.probs_many``): the title region, the windows
    from each part numeral, and the cue sentences of parts 1 and 6 (``govreport.labelling.labeller``;
    ``wrapped``: the document's lines are the page's, its sentences run on over a break)."""
    sections = part_spans(labels)
    facts = [r for key in FACT_TYPES for r in merged_regions(fact_regions(text, sections, key, wrapped))]
    kinds = {
        "title": [title_region(text)],
        "heading": numbered_windows(text, 0, len(text)),
        "fact": facts,
    }
    return {
        kind: [(s + w, min(e, s + w + max_len)) for s, e in regions if e > s for w in window_starts(e - s, max_len)]
        for kind, regions in kinds.items()
    }


RUNTIME_KINDS = ("title", "heading", "fact")
Encoded = tuple[str, list[int], list[int], bool]  # text, token ids, label ids, lines wrapped as a page's


class Windows:
    """Training windows: from the real fixtures with probability ``real_share`` (when there are
    any), else from the corpus; of those, a share per kind (``region_shares``: title, heading,
    fact) cut exactly as the runtime cuts the stretches it asks the model about
    (``runtime_windows``), the rest at uniform random starts (what reading a whole table, or the
    model alone over a whole text, sees).

    Uniform windows alone put the title in ~1% and a fact sentence in ~6% of windows, never
    starting where the runtime's region starts nor ending where it ends."""

    def __init__(
        self,
        docs: list[Encoded],
        real: list[Encoded],
        real_share: float,
        max_len: int,
        rng: random.Random,
        region_shares: dict[str, float],
    ) -> None:
        self.pools, self.real_share, self.max_len, self.rng = (docs, real), real_share, max_len, rng
        unknown = set(region_shares) - set(RUNTIME_KINDS)
        if unknown:
            raise ValueError(f"windows: unknown kinds {sorted(unknown)} (the kinds: {RUNTIME_KINDS})")
        self.region_shares = region_shares
        self.regions: list[dict[str, list[tuple[int, int, int]]]] = []  # per pool, kind: (document, start, end)
        for pool in self.pools:
            by_kind: dict[str, list[tuple[int, int, int]]] = {}
            for i, (text, _, labels, wrapped) in enumerate(pool):
                for kind, windows in runtime_windows(text, labels, max_len, wrapped).items():
                    by_kind.setdefault(kind, []).extend((i, s, e) for s, e in windows)
            self.regions.append(by_kind)

    def _window(self) -> tuple[list[int], list[int]]:
        pool_id = 1 if self.pools[1] and self.rng.random() < self.real_share else 0
        pool, roll = self.pools[pool_id], self.rng.random()
        for kind, share in self.region_shares.items():
            roll -= share
            if roll < 0:
                windows = self.regions[pool_id].get(kind)
                if windows:
                    i, start, end = windows[self.rng.randrange(len(windows))]
                    return pool[i][1][start:end], pool[i][2][start:end]
                break
        _, ids, gold, _ = pool[self.rng.randrange(len(pool))]
        start = self.rng.randrange(max(1, len(ids) - self.max_len // 2))
        return ids[start : start + self.max_len], gold[start : start + self.max_len]

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        input_ids = torch.zeros((size, self.max_len), dtype=torch.long)
        labels = torch.full((size, self.max_len), IGNORE, dtype=torch.long)
        mask = torch.zeros((size, self.max_len), dtype=torch.long)
        for row in range(size):
            piece, gold = self._window()
            input_ids[row, : len(piece)] = torch.tensor(piece)
            labels[row, : len(piece)] = torch.tensor(gold)
            mask[row, : len(piece)] = 1
        return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}


def train(config: Config, base_model: str | None = None) -> dict:
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    corpus = load_corpus(config.data)
    real = fixtures.examples(set(config.fixtures.get("exclude", []))) if config.fixtures.get("use") else []
    corpus_seconds = time.perf_counter() - started
    vocab_file = Path(base_model) / "vocab.txt" if base_model else None
    texts = "".join(corpus["train"]["text"]) + "".join(e["text"] for e in real)
    vocab = CharVocab.load(vocab_file) if vocab_file else CharVocab.build(texts)
    docs = [(e["text"], vocab.encode(e["text"]), list(e["labels"]), e["wrapped"]) for e in corpus["train"]]
    windows = Windows(
        docs,
        [(e["text"], vocab.encode(e["text"]), e["labels"], e["wrapped"]) for e in real],
        config.fixtures.get("share", 0.3),
        config.max_len,
        rng,
        config.windows,
    )
    model, init = new_model(config, vocab, base_model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.01)
    warmup = max(1, int(config.steps * config.warmup))

    def schedule(step: int) -> float:
        return min((step + 1) / warmup, max(0.0, (config.steps - step) / max(1, config.steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    model.train()
    train_started = time.perf_counter()
    loss_curve: list[tuple[int, float]] = []
    for step in range(config.steps):
        loss = model(**windows.batch(config.batch)).loss
        loss_curve.append((step, round(loss.item(), 5)))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        if step % 50 == 0 or step == config.steps - 1:
            elapsed = time.perf_counter() - train_started
            print(f"step {step:5d}  loss {loss.item():.4f}  {elapsed:7.1f} s", flush=True)
    train_seconds = time.perf_counter() - train_started
    model.eval()
    checkpoint = out / "checkpoint"
    model.save_pretrained(checkpoint)
    vocab.save(checkpoint / "vocab.txt")
    splits = {}
    for name in ("validation", "test"):
        splits[name] = corpus[name] if config.eval_docs is None else corpus[name].select(range(config.eval_docs))
    metrics = {
        **init,
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocab_size": len(vocab),
        "fixtures_trained_on": [e["surface"].removeprefix("fixture:") for e in real],
        "corpus_seconds": round(corpus_seconds, 1),
        "train_seconds": round(train_seconds, 1),
        "seconds_per_step": round(train_seconds / config.steps, 3),
        **export.export(model, vocab, config, splits, out),
        "loss_curve": loss_curve,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    shown = {k: v for k, v in metrics.items() if k not in ("calibration", "loss_curve")}
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the labeller from a config (YAML or JSON).")
    parser.add_argument("--config", required=True)
    parser.add_argument("--base-model", help="a checkpoint directory of this trainer to go on from (+ vocab.txt)")
    parser.add_argument("--out", help="override the config's output directory")
    parser.add_argument("--exclude", nargs="*", default=None, help="fixture names kept out of training (CV)")
    parser.add_argument("--from-scratch", action="store_true", help="ignore the config's pretrained encoder")
    parser.add_argument("--steps", type=int, help="override the config's steps")
    args = parser.parse_args()
    config = Config.load(args.config)
    if args.out:
        config.out = args.out
    if args.exclude is not None:
        config.fixtures = {**config.fixtures, "exclude": args.exclude}
    if args.from_scratch:
        config.pretrained = None
    if args.steps:
        config.steps = args.steps
    train(config, args.base_model)


if __name__ == "__main__":
    main()
