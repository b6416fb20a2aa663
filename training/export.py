"""Export a trained model to ONNX for onnxruntime, and int8 where that keeps accuracy.

Writes into ``out``: ``model.onnx`` (fp32), ``model.int8.onnx`` (dynamic int8
quantization of the linear layers), ``vocab.txt`` and ``labeller.json`` (labels,
window length, the hybrid's threshold and which file the runtime loads: int8 when
its test entity F1 is within ``MAX_INT8_LOSS`` of fp32's).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from seqeval.metrics import f1_score

from govreport.labelling.labels import LABELS
from govreport.labelling.runtime import Tagger
from govreport.labelling.vocab import CharVocab

MAX_INT8_LOSS = 0.005


class _LogitsOnly(torch.nn.Module):
    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def to_onnx(model: torch.nn.Module, path: Path, max_len: int) -> None:
    model.eval()
    example = (torch.ones((2, max_len), dtype=torch.long), torch.ones((2, max_len), dtype=torch.long))
    torch.onnx.export(
        _LogitsOnly(model),
        example,
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={name: {0: "batch", 1: "seq"} for name in ("input_ids", "attention_mask", "logits")},
        opset_version=17,
        dynamo=False,
    )


def quantize(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def write_config(out: Path, max_len: int, threshold: float, model_file: str) -> None:
    config = {"max_len": max_len, "threshold": threshold, "labels": list(LABELS), "model_file": model_file}
    (out / "labeller.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")


def _entity_f1(tagger: Tagger, split) -> tuple[float, float]:
    started = time.perf_counter()
    pred = [[LABELS[i] for i in tagger.probs(text).argmax(axis=1)] for text in split["text"]]
    seconds = time.perf_counter() - started
    gold = [[LABELS[i] for i in labels] for labels in split["labels"]]
    return round(f1_score(gold, pred), 4), round(len(split) / seconds, 2)


def export(model: torch.nn.Module, vocab: CharVocab, config, threshold: float, test, out: Path) -> dict:
    """ONNX fp32 + int8 into ``out``; the runtime's file chosen by test accuracy."""
    split, _ = test
    vocab.save(out / "vocab.txt")
    to_onnx(model, out / "model.onnx", config.max_len)
    write_config(out, config.max_len, threshold, "model.onnx")
    fp32_f1, fp32_speed = _entity_f1(Tagger(out), split)
    report = {"fp32": {"entity_f1_test": fp32_f1, "docs_per_s": fp32_speed,
                       "mb": round((out / "model.onnx").stat().st_size / 2**20, 2)}}  # fmt: skip
    chosen = "model.onnx"
    if config.quantize:
        quantize(out / "model.onnx", out / "model.int8.onnx")
        write_config(out, config.max_len, threshold, "model.int8.onnx")
        int8_f1, int8_speed = _entity_f1(Tagger(out), split)
        report["int8"] = {"entity_f1_test": int8_f1, "docs_per_s": int8_speed,
                          "mb": round((out / "model.int8.onnx").stat().st_size / 2**20, 2)}  # fmt: skip
        if int8_f1 >= fp32_f1 - MAX_INT8_LOSS:
            chosen = "model.int8.onnx"
    write_config(out, config.max_len, threshold, chosen)
    report["chosen"] = chosen
    return report


def ship(run_dir: str | Path, models_dir: str | Path) -> None:
    """Copy the runtime's files of a training run into the committed model directory."""
    run, dest = Path(run_dir), Path(models_dir)
    dest.mkdir(parents=True, exist_ok=True)
    for stale in dest.glob("*.onnx"):  # the runtime loads the file labeller.json names; keep no other
        stale.unlink()
    config = json.loads((run / "labeller.json").read_text(encoding="utf-8"))
    for name in ("labeller.json", "vocab.txt", config["model_file"], "metrics.json"):
        shutil.copy(run / name, dest / name)


def parity(model: torch.nn.Module, onnx_dir: Path, ids: list[list[int]]) -> float:
    """Largest absolute difference of logits between torch and onnxruntime on ``ids``."""
    import onnxruntime as ort

    width = max(len(x) for x in ids)
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros_like(input_ids)
    for row, piece in enumerate(ids):
        input_ids[row, : len(piece)] = piece
        mask[row, : len(piece)] = 1
    model.eval()
    with torch.no_grad():
        expected = model(input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(mask)).logits.numpy()
    session = ort.InferenceSession(str(onnx_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(["logits"], {"input_ids": input_ids, "attention_mask": mask})[0]
    return float(np.abs(expected - got)[mask.astype(bool)].max())


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Copy a training run's exported model into models/labeller.")
    parser.add_argument("run_dir")
    parser.add_argument("--to", default="models/labeller")
    args = parser.parse_args()
    ship(args.run_dir, args.to)
