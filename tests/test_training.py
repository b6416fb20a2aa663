"""The training side: the synthetic corpus (labels by construction, deterministic by
seed) the real fixtures labelled by aligning their gold, and, where the ``train`` extra is
installed, a smoke training run with the tiny config, export to ONNX and parity of
ONNX against torch."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from govreport.labelling.labeller import title_region
from govreport.labelling.labels import LABELS
from govreport.labelling.spans import label_spans
from govreport.prose import read_fact_span
from govreport.sections import PART_MARKER
from govreport.text import squash
from training import noise
from training.corpus import SURFACES, fact_template, make_example, make_split, phrase

REPO = Path(__file__).resolve().parents[1]


def test_corpus_is_deterministic_by_seed() -> None:
    assert make_split(3, seed=5) == make_split(3, seed=5)
    assert make_split(3, seed=5) != make_split(3, seed=6)


def test_every_character_has_a_label_and_spans_hold_what_they_name() -> None:
    rng = random.Random(3)
    seen = set()
    for i in range(50):
        example = make_example(rng, i)
        seen.add(example["surface"])
        text, labels = example["text"], example["labels"]
        assert len(text) == len(labels)
        for span in label_spans(labels):
            piece = squash(text[span.start : span.end])
            if span.entity == "PART3" and example["noise"] == 0:
                assert "申请" in piece and "情况" in piece
            if span.entity == "YEAR":
                assert piece.isdigit()
    assert seen == set(SURFACES)


def test_sub_part_headings_that_look_like_parts_are_labelled_sub() -> None:
    rng = random.Random(11)
    subs = [
        squash(ex["text"][s.start : s.end])
        for ex in (make_example(rng, i) for i in range(60))
        for s in label_spans(ex["labels"])
        if s.entity == "SUB"
    ]
    assert any("主动公开政府信息" in sub for sub in subs)


def test_noise_never_changes_or_parts_printed_digits() -> None:
    rng = random.Random(0)
    text = "三、本年度办理结果801000081（七）合计2.其他法律行政法规禁止公开0000000"
    for _ in range(200):
        damaged = noise.damage(text, rng, 1.0)
        assert [d for d in damaged if d.isdigit()] == [d for d in text if d.isdigit()]
        assert "801000081" in damaged and "0000000" in damaged
    assert noise.break_total("（七）总计", rng) in {f"（七）{b}" for b in noise.TOTAL_BREAKS}


def test_smoke_training_exports_an_onnx_model_that_matches_torch(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("seqeval")
    from govreport.labelling.runtime import Tagger
    from training.export import parity
    from training.model import GruTagger
    from training.train import Config, train

    config = Config.load(REPO / "training" / "configs" / "tiny.json")
    config.out = str(tmp_path / "run")
    metrics = train(config)
    out = Path(config.out)
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["test"]["documents"] == 4
    assert metrics["onnx"]["chosen"] in ("model.onnx", "model.int8.onnx")
    tagger = Tagger(out)
    assert tagger.probs("一、总体情况").shape == (6, len(LABELS))
    model = GruTagger.from_pretrained(out / "checkpoint")
    ids = [tagger.vocab.encode("一、总体情况\n二、主动公开政府信息情况\t规章\t0"), tagger.vocab.encode("规章")]
    assert parity(model, out, ids) < 1e-4


def test_fixtures_are_labelled_where_their_gold_stands() -> None:
    from training.fixtures import fixtures, labelled_example

    by_name = {f.name: f for f in fixtures()}
    example = labelled_example(by_name["r008.txt"])
    text, gold = example["text"], by_name["r008.txt"].gold.values
    spans = {s.entity: text[s.start : s.end] for s in label_spans(example["labels"])}
    assert spans["PART3"] == gold["section.3"] and spans["AGENCY"] == gold["meta.agency"]
    assert spans["YEAR"] == str(gold["meta.year"]) and "2599" in spans["PROACTIVE"]
    assert sum(s.entity.startswith("t3.") for s in label_spans(example["labels"])) >= 20


def _examples(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    return [make_example(rng, i) for i in range(n)]


def test_a_crawled_pages_header_title_is_labelled_as_the_runtime_reads_it() -> None:
    # the runtime reads the title from the first line naming the report: on a crawled page, the header's
    crawled = [ex for ex in _examples(80, 4) if ex["surface"] == "crawl"]
    assert crawled
    for ex in crawled:
        start, end = title_region(ex["text"])
        in_title = {s.entity for s in label_spans(ex["labels"]) if start <= s.start and s.end <= end}
        assert {"AGENCY", "YEAR"} <= in_title, ex["text"][start:end]


def test_runtime_windows_are_cut_where_the_runtime_asks_the_model() -> None:
    from training.train import runtime_windows

    for ex in _examples(30, 9):
        text, labels = ex["text"], ex["labels"]
        windows = runtime_windows(text, labels, 64, ex["wrapped"])
        assert windows["title"][0][0] == 0 and all(e - s <= 64 for k in windows.values() for s, e in k)
        assert all(PART_MARKER.match(text, s) for s, _ in windows["heading"][:1])
        covered = {i for s, e in windows["fact"] for i in range(s, e)}
        for span in label_spans(labels):  # an undamaged fact sentence holds its cue words
            if span.entity in ("PROACTIVE", "RECEIVED", "FEE") and ex["noise"] == 0:
                assert set(range(span.start, span.end)) <= covered, text[span.start : span.end]


@pytest.mark.parametrize(("shares", "least", "most"), [({"title": 0.0}, 0.0, 0.1), ({"title": 0.5}, 0.4, 1.0)])
def test_training_windows_hold_the_title_in_the_configured_share(shares: dict, least: float, most: float) -> None:
    pytest.importorskip("torch")
    from govreport.labelling.labels import LABEL_ID
    from training.train import Windows

    docs = [(ex["text"], [ord(c) % 50 for c in ex["text"]], ex["labels"], ex["wrapped"]) for ex in _examples(20, 2)]
    windows = Windows(docs, [], 0.0, 64, random.Random(1), shares)
    agency = {LABEL_ID["B-AGENCY"], LABEL_ID["I-AGENCY"]}
    drawn = [windows.batch(1)["labels"][0].tolist() for _ in range(400)]
    share = sum(bool(agency & set(row)) for row in drawn) / len(drawn)
    assert least <= share <= most


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("proactive", "prose.proactive_total"),
        ("received", "prose.applications_received"),
        ("received_none", "prose.applications_received"),
        ("fee", "prose.fee_collected"),
        ("fee_none", "prose.fee_collected"),
    ],
)
def test_every_fact_span_the_corpus_labels_reads_as_its_value_at_runtime(kind: str, key: str) -> None:
    # the runtime turns a model's fact span into a value with read_fact_span: a labelled span it
    # cannot read would teach the model spans that give no value
    rng = random.Random(8)
    for _ in range(200):
        value = 0 if kind.endswith("none") else rng.randint(1, 30000)
        segments = phrase(fact_template(kind, rng), "X", rng, 2023, value)
        span = next(text for text, tag in segments if tag)
        assert read_fact_span(key, span) == value, span


def test_fixture_fact_labels_read_as_their_gold_value() -> None:
    from training.fixtures import fixtures, labelled_example

    keys = {
        "PROACTIVE": "prose.proactive_total",
        "RECEIVED": "prose.applications_received",
        "FEE": "prose.fee_collected",
    }
    for fixture in fixtures():
        example = labelled_example(fixture)
        for span in label_spans(example["labels"]):
            if span.entity in keys:
                key = keys[span.entity]
                assert read_fact_span(key, example["text"][span.start : span.end]) == fixture.gold.values[key]
