"""The learned field labeller: a character-level token classifier (ONNX, run with
onnxruntime) whose spans feed section finding, table row labels and prose facts,
beside the rules (``labeller.py`` says who decides when).

Nothing here imports torch or transformers; training lives in ``training/``.
"""

from __future__ import annotations

MODES = ("rules", "model", "hybrid")
