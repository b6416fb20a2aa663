"""The labeller's network: LAC's architecture (character embeddings, two bidirectional
GRU layers of Paddle's cell, a token-classification head) as a ``transformers`` model.

Paddle's GRU differs from ``torch.nn.GRU``: the reset gate multiplies the hidden state
*before* the candidate's recurrent product, and the update gate weighs the candidate::

    u, r = sigmoid(x_ur + h W_ur)        c = tanh(x_c + (r ⊙ h) W_c)        h' = (1 − u) h + u c

so the cell is written out here. ONNX's ``GRU`` operator expresses the same cell
(``linear_before_reset=0``, update gate negated: ONNX's z is 1 − u); ``to_onnx`` builds
that graph from the weights, so inference needs onnxruntime only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import TokenClassifierOutput

IGNORE = -100


class GruTaggerConfig(PretrainedConfig):
    model_type = "govreport-gru-tagger"

    def __init__(
        self,
        vocab_size: int = 8000,
        embed: int = 128,
        hidden: int = 128,
        layers: int = 2,
        dropout: float = 0.1,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)  # num_labels / id2label / label2id are PretrainedConfig's
        self.vocab_size, self.embed, self.hidden, self.layers, self.dropout = vocab_size, embed, hidden, layers, dropout


class PaddleBiGru(nn.Module):
    """One bidirectional layer; index 0 of every parameter is the forward direction, 1 the reverse."""

    def __init__(self, inputs: int, hidden: int) -> None:
        super().__init__()
        self.hidden = hidden
        bound = 0.1  # LAC's own initialisation range
        self.input_w = nn.Parameter(torch.empty(2, inputs, 3 * hidden).uniform_(-bound, bound))
        self.input_b = nn.Parameter(torch.zeros(2, 3 * hidden))
        self.gate_w = nn.Parameter(torch.empty(2, hidden, 2 * hidden).uniform_(-bound, bound))
        self.cand_w = nn.Parameter(torch.empty(2, hidden, hidden).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor, reverse_index: torch.Tensor) -> torch.Tensor:
        """``x``: batch × time × inputs; ``reverse_index`` reverses each sequence within its
        length (padding stays at the end), so both directions run one loop."""
        h_size = self.hidden
        proj = torch.einsum("bti,dio->dbto", x, self.input_w) + self.input_b[:, None, None, :]
        proj = torch.stack([proj[0], proj[1].gather(1, reverse_index[..., None].expand_as(proj[1]))])
        h = x.new_zeros(2, x.shape[0], h_size)
        outputs = []
        for t in range(x.shape[1]):
            step = proj[:, :, t]
            gates = torch.sigmoid(step[..., : 2 * h_size] + torch.bmm(h, self.gate_w))
            update, reset = gates[..., :h_size], gates[..., h_size:]
            candidate = torch.tanh(step[..., 2 * h_size :] + torch.bmm(reset * h, self.cand_w))
            h = (1 - update) * h + update * candidate
            outputs.append(h)
        out = torch.stack(outputs, dim=2)  # 2 × batch × time × hidden
        backward = out[1].gather(1, reverse_index[..., None].expand_as(out[1]))
        return torch.cat([out[0], backward], dim=-1)


class GruEncoder(nn.Module):
    def __init__(self, config: GruTaggerConfig) -> None:
        super().__init__()
        sizes = [config.embed] + [2 * config.hidden] * (config.layers - 1)
        self.layers = nn.ModuleList(PaddleBiGru(n, config.hidden) for n in sizes)


class GruTagger(PreTrainedModel):
    """Characters → per-character label logits (``TokenClassifierOutput``, loss when labels are given)."""

    config_class = GruTaggerConfig

    def __init__(self, config: GruTaggerConfig) -> None:
        super().__init__(config)
        self.embeddings = nn.Embedding(config.vocab_size, config.embed)
        self.encoder = GruEncoder(config)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(2 * config.hidden, config.num_labels)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.uniform_(module.weight, -0.1, 0.1)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.uniform_(module.weight, -0.1, 0.1)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **_,
    ) -> TokenClassifierOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        lengths = attention_mask.sum(dim=1, keepdim=True)
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)[None, :]
        reverse_index = torch.where(positions < lengths, lengths - 1 - positions, positions)
        x = self.embeddings(input_ids)
        for layer in self.encoder.layers:
            x = layer(self.dropout(x), reverse_index)
        logits = self.classifier(self.dropout(x))
        loss = None
        if labels is not None:
            loss = nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE
            )
        return TokenClassifierOutput(loss=loss, logits=logits)


def to_onnx(model: GruTagger, path: str | Path) -> None:
    """The model as an ONNX graph of ``Gather`` → ``GRU`` (bidirectional, per-sequence
    lengths from the attention mask) × layers → ``MatMul``; inputs ``input_ids`` and
    ``attention_mask`` (batch × time, int64), output ``logits`` (batch × time × labels)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def const(name: str, array: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(np.ascontiguousarray(array), name)

    h = model.config.hidden
    initializers = [const("embedding", model.embeddings.weight.detach().numpy())]
    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"]),
        helper.make_node("Transpose", ["embedded"], ["x0"], perm=[1, 0, 2]),
        helper.make_node("ReduceSum", ["attention_mask", "sum_axes"], ["lengths64"], keepdims=0),
        helper.make_node("Cast", ["lengths64"], ["lengths"], to=TensorProto.INT32),
    ]
    initializers += [const("sum_axes", np.array([1], dtype=np.int64)), const("merge_shape", np.array([0, 0, -1]))]
    for i, layer in enumerate(model.encoder.layers):
        input_w = layer.input_w.detach().numpy()  # 2 × in × 3H (update, reset, candidate)
        gate_w, cand_w = layer.gate_w.detach().numpy(), layer.cand_w.detach().numpy()
        bias = layer.input_b.detach().numpy()
        sign = np.concatenate([-np.ones(h), np.ones(2 * h)]).astype(np.float32)  # ONNX's z = 1 − u
        w = np.transpose(input_w * sign, (0, 2, 1))  # 2 × 3H × in, order z r h
        r = np.transpose(np.concatenate([gate_w, cand_w], axis=2) * sign, (0, 2, 1))
        b = np.concatenate([bias * sign, np.zeros_like(bias)], axis=1)
        initializers += [const(f"W{i}", w), const(f"R{i}", r), const(f"B{i}", b)]
        nodes += [
            helper.make_node(
                "GRU",
                [f"x{i}", f"W{i}", f"R{i}", f"B{i}", "lengths"],
                [f"y{i}"],
                hidden_size=h,
                direction="bidirectional",
                linear_before_reset=0,
            ),
            helper.make_node("Transpose", [f"y{i}"], [f"yt{i}"], perm=[0, 2, 1, 3]),  # time × batch × 2 × H
            helper.make_node("Reshape", [f"yt{i}", "merge_shape"], [f"x{i + 1}"]),
        ]
    n = len(model.encoder.layers)
    initializers += [
        const("classifier_w", model.classifier.weight.detach().numpy().T),
        const("classifier_b", model.classifier.bias.detach().numpy()),
    ]
    nodes += [
        helper.make_node("MatMul", [f"x{n}", "classifier_w"], ["scores"]),
        helper.make_node("Add", ["scores", "classifier_b"], ["scores_b"]),
        helper.make_node("Transpose", ["scores_b"], ["logits"], perm=[1, 0, 2]),
    ]
    graph = helper.make_graph(
        nodes,
        "govreport_labeller",
        [
            helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "time"])
            for name in ("input_ids", "attention_mask")
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "time", model.config.num_labels])],
        initializers,
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
