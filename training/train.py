"""Train the character-level token classifier from scratch (or fine-tune ``--base-model``).

    python -m training.train --config training/configs/shipped.yaml

Steps: the corpus (``training.corpus``; built, or read from ``data.path``) → random
windows of ``max_len`` characters → ``BertForTokenClassification`` with AdamW and a
linear schedule → metrics on the validation and test splits (seqeval entity F1,
scikit-learn per-character accuracy and macro F1) → the threshold the hybrid uses,
chosen on validation spans (``training.calibrate``) → export to ONNX
(``training.export``, int8 where it keeps accuracy) into ``out``.
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

import numpy as np
import torch
import yaml
from transformers import BertConfig, BertForTokenClassification

from govreport.labelling.labels import LABELS
from govreport.labelling.spans import stitch, window_starts
from govreport.labelling.vocab import CharVocab
from training import calibrate, export
from training.corpus import build_dataset

IGNORE = -100


@dataclass
class Config:
    out: str
    data: dict = field(default_factory=lambda: {"train": 1200, "validation": 150, "test": 150, "seed": 7})
    model: dict = field(default_factory=lambda: {"hidden": 192, "layers": 4, "heads": 4, "intermediate": 512})
    max_len: int = 256
    steps: int = 1000
    batch: int = 16
    lr: float = 1e-3
    warmup: float = 0.06
    seed: int = 13
    threads: int = 2
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


def new_model(config: Config, vocab: CharVocab, base_model: str | None) -> BertForTokenClassification:
    id2label = dict(enumerate(LABELS))
    label2id = {label: i for i, label in id2label.items()}
    if base_model:
        return BertForTokenClassification.from_pretrained(
            base_model, num_labels=len(LABELS), id2label=id2label, label2id=label2id, ignore_mismatched_sizes=True
        )
    m = config.model
    bert = BertConfig(
        vocab_size=len(vocab),
        hidden_size=m["hidden"],
        num_hidden_layers=m["layers"],
        num_attention_heads=m["heads"],
        intermediate_size=m["intermediate"],
        max_position_embeddings=config.max_len,
        type_vocab_size=1,
        num_labels=len(LABELS),
        id2label=id2label,
        label2id=label2id,
    )
    return BertForTokenClassification(bert)


class Windows:
    """Random training windows over the encoded documents."""

    def __init__(self, ids: list[list[int]], labels: list[list[int]], max_len: int, rng: random.Random) -> None:
        self.ids, self.labels, self.max_len, self.rng = ids, labels, max_len, rng

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        input_ids = torch.zeros((size, self.max_len), dtype=torch.long)
        labels = torch.full((size, self.max_len), IGNORE, dtype=torch.long)
        mask = torch.zeros((size, self.max_len), dtype=torch.long)
        for row in range(size):
            doc = self.rng.randrange(len(self.ids))
            start = self.rng.randrange(max(1, len(self.ids[doc]) - self.max_len // 2))
            piece = self.ids[doc][start : start + self.max_len]
            input_ids[row, : len(piece)] = torch.tensor(piece)
            labels[row, : len(piece)] = torch.tensor(self.labels[doc][start : start + len(piece)])
            mask[row, : len(piece)] = 1
        return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}


def torch_probs(model: BertForTokenClassification, ids: list[int], max_len: int, batch: int = 32) -> np.ndarray:
    """Per-character label probabilities of one document, windows stitched as at inference."""
    stride = max_len * 3 // 4
    starts = window_starts(len(ids), max_len, stride)
    out: list[np.ndarray] = []
    model.eval()
    with torch.no_grad():
        for i in range(0, len(starts), batch):
            chunk = [ids[s : s + max_len] for s in starts[i : i + batch]]
            input_ids = torch.zeros((len(chunk), max_len), dtype=torch.long)
            mask = torch.zeros_like(input_ids)
            for row, piece in enumerate(chunk):
                input_ids[row, : len(piece)] = torch.tensor(piece)
                mask[row, : len(piece)] = 1
            logits = model(input_ids=input_ids, attention_mask=mask).logits
            out += list(torch.softmax(logits, dim=-1).numpy())
    return stitch(len(ids), max_len, starts, out)


def train(config: Config, base_model: str | None = None) -> dict:
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    corpus = load_corpus(config.data)
    corpus_seconds = time.perf_counter() - started
    vocab_file = Path(base_model) / "vocab.txt" if base_model else None
    vocab = CharVocab.load(vocab_file) if vocab_file else CharVocab.build("".join(corpus["train"]["text"]))
    train_ids = [vocab.encode(t) for t in corpus["train"]["text"]]
    windows = Windows(train_ids, list(corpus["train"]["labels"]), config.max_len, rng)
    model = new_model(config, vocab, base_model)
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
    checkpoint = out / "checkpoint"
    model.save_pretrained(checkpoint)
    vocab.save(checkpoint / "vocab.txt")

    splits = {}
    for name in ("validation", "test"):
        split = corpus[name] if config.eval_docs is None else corpus[name].select(range(config.eval_docs))
        probs = [torch_probs(model, vocab.encode(t), config.max_len) for t in split["text"]]
        splits[name] = (split, probs)
    threshold, reliability = calibrate.choose_threshold(splits["validation"][0]["labels"], splits["validation"][1])
    metrics = {
        "parameters": sum(p.numel() for p in model.parameters()),
        "vocab_size": len(vocab),
        "corpus_seconds": round(corpus_seconds, 1),
        "train_seconds": round(train_seconds, 1),
        "seconds_per_step": round(train_seconds / config.steps, 3),
        "threshold": threshold,
        "validation": calibrate.scores(splits["validation"][0], splits["validation"][1]),
        "test": calibrate.scores(splits["test"][0], splits["test"][1]),
        "reliability_validation": reliability,
        "loss_curve": loss_curve,
    }
    metrics["export"] = export.export(model, vocab, config, threshold, splits["test"], out)
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    shown = {k: v for k, v in metrics.items() if k not in ("reliability_validation", "loss_curve")}
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description="Train the labeller from a config (YAML or JSON).")
    parser.add_argument("--config", required=True)
    parser.add_argument("--base-model", help="a local checkpoint directory to fine-tune (HF format + vocab.txt)")
    parser.add_argument("--out", help="override the config's output directory")
    args = parser.parse_args()
    config = Config.load(args.config)
    if args.out:
        config.out = args.out
    train(config, args.base_model)


if __name__ == "__main__":
    main()
