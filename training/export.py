"""Export a trained model to ONNX for onnxruntime, score and calibrate it, and int8 where that keeps accuracy.

Writes into ``out``: ``model.onnx`` (fp32: ``Gather`` → bidirectional ``GRU`` layers →
``MatMul``, built by ``training.model.to_onnx``), ``model.int8.onnx`` (dynamic int8
quantization), ``vocab.txt`` and ``labeller.json`` (labels, window length, the isotonic
calibrator and the threshold fitted on the validation split, and which file the runtime
loads: int8 when its test entity F1 is within ``MAX_INT8_LOSS`` of fp32's).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import torch

from govreport.labelling.labels import LABELS
from govreport.labelling.runtime import Tagger
from govreport.labelling.vocab import CharVocab
from training import calibrate
from training.model import to_onnx

MAX_INT8_LOSS = 0.005


def quantize(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8)


def write_config(out: Path, max_len: int, threshold: float, calibration: dict, model_file: str) -> None:
    config = {"max_len": max_len, "threshold": threshold, "calibration": calibration, "labels": list(LABELS),
              "model_file": model_file}  # fmt: skip
    (out / "labeller.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")


def _probs(tagger: Tagger, split) -> tuple[list[np.ndarray], float]:
    started = time.perf_counter()
    probs = [tagger.probs(text) for text in split["text"]]
    return probs, round(len(split) / (time.perf_counter() - started), 2)


def export(model: torch.nn.Module, vocab: CharVocab, config, splits: dict, out: Path) -> dict:
    """ONNX fp32 (+ int8) into ``out``; scores, calibrator and threshold from the exported
    model's own outputs (what the runtime will see); the runtime's file chosen by test F1."""
    vocab.save(out / "vocab.txt")
    to_onnx(model, out / "model.onnx")
    write_config(out, config.max_len, 1.0, calibrate.IDENTITY, "model.onnx")
    fp32 = Tagger(out)
    validation, _ = _probs(fp32, splits["validation"])
    calibration, threshold, reliability = calibrate.fit(splits["validation"]["labels"], validation)
    test, speed = _probs(fp32, splits["test"])
    report: dict = {
        "threshold": threshold,
        "validation": calibrate.scores(splits["validation"], validation),
        "test": calibrate.scores(splits["test"], test),
        "calibration": reliability,
        "test_calibrated": calibrate.reliability_after(calibration, splits["test"]["labels"], test),
        "onnx": {"fp32": {"docs_per_s": speed, "mb": round((out / "model.onnx").stat().st_size / 2**20, 2)}},
    }
    chosen = "model.onnx"
    if config.quantize:
        quantize(out / "model.onnx", out / "model.int8.onnx")
        write_config(out, config.max_len, threshold, calibration, "model.int8.onnx")
        int8, int8_speed = _probs(Tagger(out), splits["test"])
        int8_f1 = calibrate.scores(splits["test"], int8)["entity_f1"]
        report["onnx"]["int8"] = {"entity_f1_test": int8_f1, "docs_per_s": int8_speed,
                                  "mb": round((out / "model.int8.onnx").stat().st_size / 2**20, 2)}  # fmt: skip
        if int8_f1 >= report["test"]["entity_f1"] - MAX_INT8_LOSS:
            chosen = "model.int8.onnx"
    write_config(out, config.max_len, threshold, calibration, chosen)
    report["onnx"]["chosen"] = chosen
    return report


def ship(run_dir: str | Path, models_dir: str | Path) -> None:
    """Copy the runtime's files of a training run into the package's model directory."""
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

    parser = argparse.ArgumentParser(description="Copy a training run's exported model into the package data.")
    parser.add_argument("run_dir")
    parser.add_argument("--to", default="src/govreport/data/labeller")
    args = parser.parse_args()
    ship(args.run_dir, args.to)
