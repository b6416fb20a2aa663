"""Baidu LAC's pretrained character encoder (``lac`` 2.1.2, Apache-2.0), read without Paddle.

LAC's source archive ships ``LAC/lac_model``: character (and word) embeddings of 128,
two bidirectional GRU layers of hidden 128, an emission layer over its 49 tags
(segmentation × part of speech, PER/LOC/ORG/TIME) and a linear-chain CRF. This module
reads its Paddle tensor files with numpy, maps them onto ``training.model``'s
``GruTagger`` (Paddle's GRU cell, ported) and decodes LAC's own CRF over the port's
emissions, which is how the port is checked:

    pip download --no-deps --no-build-isolation lac==2.1.2 -d data/lac   # setuptools<70 and wheel in that env
    tar xzf data/lac/LAC-2.1.2.tar.gz -C data/lac
    python -m training.lac data/lac/LAC-2.1.2/LAC/lac_model "国务院办公厅发布了2023年政府信息公开工作年度报告"

The download happens at training time only; the shipped model is ours, fine-tuned.
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HIDDEN = 128
EMBED = 128
LAYERS = 2
_PADDLE_FP32 = 5


def read_paddle_tensor(path: str | Path) -> np.ndarray:
    """One Paddle ``LoDTensor`` file (``save_persistables``): version, LoD levels, a
    ``TensorDesc`` protobuf (data type, dims), then the raw little-endian data."""
    raw = Path(path).read_bytes()
    at = 4  # uint32 version
    (lod_levels,) = struct.unpack_from("<Q", raw, at)
    at += 8
    for _ in range(lod_levels):
        (size,) = struct.unpack_from("<Q", raw, at)
        at += 8 + size
    at += 4  # uint32 tensor version
    (desc_size,) = struct.unpack_from("<i", raw, at)
    at += 4
    data_type, dims = _tensor_desc(raw[at : at + desc_size])
    at += desc_size
    if data_type != _PADDLE_FP32:
        raise ValueError(f"{path}: Paddle data type {data_type}, expected FP32")
    return np.frombuffer(raw, dtype="<f4", count=int(np.prod(dims)), offset=at).reshape(dims).copy()


def _tensor_desc(buf: bytes) -> tuple[int, list[int]]:
    """``message TensorDesc { required Type data_type = 1; repeated int64 dims = 2; }``"""

    def varint(i: int) -> tuple[int, int]:
        value, shift = 0, 0
        while True:
            b = buf[i]
            value |= (b & 0x7F) << shift
            i += 1
            if b < 0x80:
                return value, i
            shift += 7

    data_type, dims, i = 0, [], 0
    while i < len(buf):
        key, i = varint(i)
        if key >> 3 == 1:
            data_type, i = varint(i)
        elif key >> 3 == 2 and key & 7 == 0:
            dim, i = varint(i)
            dims.append(dim)
        elif key >> 3 == 2 and key & 7 == 2:  # packed dims
            length, i = varint(i)
            end = i + length
            while i < end:
                dim, i = varint(i)
                dims.append(dim)
        else:
            raise ValueError(f"unexpected TensorDesc field {key}")
    return data_type, dims


@dataclass
class LacWeights:
    """LAC's parameters as numpy arrays, in the port's layout.

    Per layer and direction: ``fc_w`` (in × 3H) and ``fc_b`` (3H) project the input to the
    gates' and candidate's inputs; ``gate_w`` (H × 2H: update, reset), ``cand_w`` (H × H)
    and ``gru_b`` (3H) are the recurrent part. Paddle stores a GRU weight flat: the H × 2H
    gate block first, then the H × H candidate block (not one H × 3H matrix)."""

    chars: dict[str, int]  # single characters → row of ``embedding``
    embedding: np.ndarray
    layers: list[dict[str, dict[str, np.ndarray]]]  # [layer]["forward"|"reverse"][name]
    emission_w: np.ndarray
    emission_b: np.ndarray
    crf: np.ndarray  # (tags + 2) × tags: start row, end row, transitions
    tags: list[str]
    q2b: dict[str, str]  # LAC's full-width → half-width replacements
    oov_id: int


def load_lac(model_dir: str | Path) -> LacWeights:
    model_dir = Path(model_dir)
    params = model_dir / "model"
    words = _kv(model_dir / "conf" / "word.dic")
    chars = {w: int(i) for i, w in words if len(w) == 1}
    oov_id = next(int(i) for i, w in words if w == "OOV")
    tag_of: dict[int, str] = {}
    for i, tag in _kv(model_dir / "conf" / "tag.dic"):
        tag_of[int(i)] = tag  # an id listed twice (nt, ORG) is read as LAC reads it: the last name
    tags = [tag_of[i] for i in range(len(tag_of))]
    q2b = dict(_kv(model_dir / "conf" / "q2b.dic"))
    layers = []
    for layer in range(LAYERS):
        directions = {}
        for d, name in enumerate(("forward", "reverse")):
            k = layer * 2 + d
            flat = read_paddle_tensor(params / f"gru_{k}.w_0").reshape(-1)
            directions[name] = {
                "fc_w": read_paddle_tensor(params / f"fc_{k}.w_0"),
                "fc_b": read_paddle_tensor(params / f"fc_{k}.b_0").reshape(-1),
                "gate_w": flat[: HIDDEN * 2 * HIDDEN].reshape(HIDDEN, 2 * HIDDEN),
                "cand_w": flat[HIDDEN * 2 * HIDDEN :].reshape(HIDDEN, HIDDEN),
                "gru_b": read_paddle_tensor(params / f"gru_{k}.b_0").reshape(-1),
            }
        layers.append(directions)
    return LacWeights(
        chars=chars,
        embedding=read_paddle_tensor(params / "word_emb"),
        layers=layers,
        emission_w=read_paddle_tensor(params / "fc_4.w_0"),
        emission_b=read_paddle_tensor(params / "fc_4.b_0").reshape(-1),
        crf=read_paddle_tensor(params / "crfw"),
        tags=tags,
        q2b=q2b,
        oov_id=oov_id,
    )


def _kv(path: Path) -> list[tuple[str, str]]:
    """LAC's ``id<TAB>word`` dictionaries (tag.dic repeats ids for aliases: the first wins)."""
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        terms = line.split("\t")
        if len(terms) == 2:
            out.append((terms[0], terms[1]))
    return out


def lac_row(weights: LacWeights, ch: str) -> int | None:
    """LAC's embedding row for one character (after its full-width → half-width map), or None."""
    ch = weights.q2b.get(ch, ch)
    return weights.chars.get(ch)


def viterbi(emissions: np.ndarray, crf: np.ndarray) -> list[int]:
    """Paddle's ``crf_decoding``: the best tag path under start/end weights and transitions."""
    start, end, trans = crf[0], crf[1], crf[2:]
    score = start + emissions[0]
    back = []
    for e in emissions[1:]:
        total = score[:, None] + trans
        back.append(total.argmax(axis=0))
        score = total.max(axis=0) + e
    path = [int((score + end).argmax())]
    for b in reversed(back):
        path.append(int(b[path[-1]]))
    return path[::-1]


def lac_tag(weights: LacWeights, text: str) -> list[tuple[str, str]]:
    """LAC's own segmentation and tags of ``text``, computed with the torch port (words, tag)."""
    import torch

    from training.model import GruTagger, GruTaggerConfig

    config = GruTaggerConfig(vocab_size=len(weights.embedding), num_labels=len(weights.tags))
    model = GruTagger(config).eval()
    load_into(model, weights, rows=list(range(len(weights.embedding))))
    with torch.no_grad():
        model.classifier.weight.copy_(torch.from_numpy(weights.emission_w.T))
        model.classifier.bias.copy_(torch.from_numpy(weights.emission_b))
        ids = [lac_row(weights, ch) for ch in text]
        input_ids = torch.tensor([[weights.oov_id if i is None else i for i in ids]])
        emissions = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).logits[0].numpy()
    words: list[tuple[str, str]] = []
    for ch, tag_id in zip(text, viterbi(emissions, weights.crf), strict=True):
        tag, position = weights.tags[tag_id].rsplit("-", 1)
        if position == "B" or not words:
            words.append((ch, tag))
        else:
            words[-1] = (words[-1][0] + ch, words[-1][1])
    return words


def load_into(model, weights: LacWeights, rows: list[int | None], seed: int = 0) -> int:
    """Copy LAC's encoder into a ``GruTagger``: embedding row ``i`` of the model from LAC's
    row ``rows[i]``; a character LAC lacks (None) gets a new row drawn around LAC's mean
    embedding with its spread. Returns how many rows came from LAC."""
    import torch

    rng = np.random.default_rng(seed)
    table = weights.embedding
    spread = table.std(axis=0)
    new = table.mean(axis=0) + rng.standard_normal((len(rows), table.shape[1])).astype(np.float32) * spread
    embedding = np.stack([table[r] if r is not None else new[i] for i, r in enumerate(rows)]).astype(np.float32)
    with torch.no_grad():
        model.embeddings.weight.copy_(torch.from_numpy(embedding))
        for layer, directions in zip(model.encoder.layers, weights.layers, strict=True):
            for d, name in enumerate(("forward", "reverse")):
                w = directions[name]
                layer.input_w[d].copy_(torch.from_numpy(w["fc_w"]))
                layer.input_b[d].copy_(torch.from_numpy(w["fc_b"] + w["gru_b"]))
                layer.gate_w[d].copy_(torch.from_numpy(w["gate_w"]))
                layer.cand_w[d].copy_(torch.from_numpy(w["cand_w"]))
    return sum(r is not None for r in rows)


def main() -> None:
    weights = load_lac(sys.argv[1])
    for text in sys.argv[2:]:
        print(" ".join(f"{w}/{t}" for w, t in lac_tag(weights, text)))


if __name__ == "__main__":
    main()
