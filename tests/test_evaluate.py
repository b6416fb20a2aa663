"""The scorer: key comparison, groups, identity precision/recall, failed predictions, gold loading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govreport.evaluate import (
    Gold,
    evaluate,
    key_group,
    load_gold,
    load_predictions,
    render_report,
    report_json,
    score,
    values_equal,
)

GOLD_DIR = Path(__file__).resolve().parent / "fixtures" / "gold"  # copies of shared/fixtures/gold
SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "gold"


def as_prediction(gold: Gold, doc: str | None = None) -> dict[str, Any]:
    """A perfect prediction for ``gold``, shaped like ReportResult.to_json_dict."""
    return {
        "doc": doc or f"samples/{gold.name}",
        "values": dict(gold.values),
        "broken_identities": [list(i) for i in gold.broken_identities],
        "error": None,
    }


@pytest.fixture
def small_gold() -> Gold:
    return Gold(
        doc="seeds/x.txt",
        values={
            "meta.agency": "某某区人民政府",
            "meta.year": 2021,
            "meta.template": "2021",
            "prose.applications_received": 12,
            "prose.fee_collected": None,
            "section.1": "一、总体情况",
            "section.6": None,
            "t2.fee.amount": 1082.33,
            "t3.granted.total": 5,
            "t4.review.total": 0,
        },
        broken_identities=[
            ("t3", "row_total", "granted"),
            ("prose", "prose_table", "prose.applications_received"),
        ],
    )


# ---------------------------------------------------------------- comparing values
@pytest.mark.parametrize(
    ("gold", "predicted", "equal"),
    [
        (5, 5, True),
        (5, 5.0, True),
        (1082.33, 1082.3300000001, True),
        (1082.33, 1082.34, False),
        (0, None, False),
        (None, 0, False),
        (None, None, True),
        ("一、总体情况", " 一、总体情况\n", True),
        ("2021", 2021, False),
        (1, True, False),
    ],
)
def test_values_equal(gold: Any, predicted: Any, equal: bool) -> None:
    assert values_equal(gold, predicted) is equal


@pytest.mark.parametrize(
    ("key", "group"),
    [
        ("t2.fee.amount", "tables"),
        ("t3.denied.state_secret.total", "tables"),
        ("t4.review.total", "tables"),
        ("section.3", "sections"),
        ("meta.year", "meta"),
        ("prose.fee_collected", "prose"),
        ("other.thing", None),
    ],
)
def test_key_group(key: str, group: str | None) -> None:
    assert key_group(key) == group


# ---------------------------------------------------------------- one document
def test_gold_against_itself_is_perfect(small_gold: Gold) -> None:
    doc = score(small_gold, as_prediction(small_gold))
    assert doc.misses == []
    assert {g: (c.right, c.total) for g, c in doc.groups.items()} == {
        "tables": (3, 3),
        "sections": (2, 2),
        "meta": (3, 3),
        "prose": (2, 2),
    }
    assert (doc.hard.tp, doc.hard.fp, doc.hard.fn) == (1, 0, 0)
    assert (doc.soft.tp, doc.soft.fp, doc.soft.fn) == (1, 0, 0)


@pytest.mark.parametrize(
    ("key", "wrong", "group"),
    [
        ("t3.granted.total", 6, "tables"),
        ("t2.fee.amount", 1082.0, "tables"),
        ("section.6", "六、其他需要报告的事项", "sections"),
        ("meta.agency", "某某区", "meta"),
        ("prose.fee_collected", 0, "prose"),
    ],
)
def test_changed_value_is_a_miss_in_its_group(small_gold: Gold, key: str, wrong: Any, group: str) -> None:
    pred = as_prediction(small_gold)
    pred["values"][key] = wrong
    doc = score(small_gold, pred)
    assert [(m.key, m.group, m.gold, m.predicted, m.present) for m in doc.misses] == [
        (key, group, small_gold.values[key], wrong, True)
    ]
    assert doc.groups[group].right == doc.groups[group].total - 1
    assert all(c.right == c.total for g, c in doc.groups.items() if g != group)


def test_missing_key_is_wrong_and_extra_keys_are_not_scored(small_gold: Gold) -> None:
    pred = as_prediction(small_gold)
    del pred["values"]["section.6"]  # gold None: absent is still wrong
    pred["values"]["t3.granted.natural_person"] = 3  # not in gold
    doc = score(small_gold, pred)
    assert [(m.key, m.present) for m in doc.misses] == [("section.6", False)]
    assert doc.groups["tables"].total == 3


def test_identity_counts_on_hand_made_case(small_gold: Gold) -> None:
    pred = as_prediction(small_gold)
    pred["broken_identities"] = [
        ["t3", "row_total", "granted"],  # right
        ["t3", "column_balance", "total"],  # spurious
        ["t4", "group_total", "review"],  # spurious
        ["t3", "unknown_kind", "x"],  # neither hard nor soft: ignored
    ]  # the soft prose_table one is missed
    doc = score(small_gold, pred)
    assert (doc.hard.tp, doc.hard.fp, doc.hard.fn) == (1, 2, 0)
    assert doc.hard.precision == pytest.approx(1 / 3)
    assert doc.hard.recall == 1.0
    assert doc.hard.spurious == [("t3", "column_balance", "total"), ("t4", "group_total", "review")]
    assert (doc.soft.tp, doc.soft.fp, doc.soft.fn) == (0, 0, 1)
    assert doc.soft.precision is None  # nothing predicted: undefined, not 0
    assert doc.soft.recall == 0.0


def test_errored_prediction_counts_every_key_wrong(small_gold: Gold) -> None:
    pred = as_prediction(small_gold)  # values present, but the error wins
    pred["error"] = "could not decode file"
    doc = score(small_gold, pred)
    assert doc.error == "could not decode file"
    assert len(doc.misses) == len(small_gold.values)
    assert all(c.right == 0 for c in doc.groups.values())
    assert doc.hard.fn == 1 and doc.hard.tp == 0


# ---------------------------------------------------------------- a batch
def test_evaluate_matches_by_basename_and_aggregates_micro(small_gold: Gold) -> None:
    other = Gold(doc="fixtures/real/r.txt", values={"t3.granted.total": 1}, broken_identities=[])
    unlabelled = Gold(doc="seeds/none.txt", values={"meta.year": 2020})
    golds = {g.name: g for g in (small_gold, other, unlabelled)}
    failed = {"doc": r"C:\reports\r.txt", "values": {}, "broken_identities": [], "error": "boom"}
    extra = {"doc": "elsewhere/unknown.txt", "values": {}, "broken_identities": [], "error": None}
    report = evaluate(golds, [as_prediction(small_gold, "a/b/x.txt"), failed, extra])

    assert [d.gold_doc for d in report.documents] == ["fixtures/real/r.txt", "seeds/x.txt"]
    assert (report.groups["tables"].right, report.groups["tables"].total) == (3, 4)
    assert (report.overall.right, report.overall.total) == (10, 11)
    assert report.errored == {r"C:\reports\r.txt": "boom"}
    assert report.gold_without_prediction == ["seeds/none.txt"]
    assert report.predictions_without_gold == ["elsewhere/unknown.txt"]
    assert (report.hard.tp, report.hard.fp, report.hard.fn) == (1, 0, 0)


def test_report_renders_and_serializes(small_gold: Gold) -> None:
    pred = as_prediction(small_gold)
    pred["values"]["t3.granted.total"] = 7
    report = evaluate({small_gold.name: small_gold}, [pred])
    data = json.loads(report_json(report))
    assert data["groups"]["tables"]["accuracy"] == pytest.approx(2 / 3)
    assert data["documents"][0]["misses"][0]["key"] == "t3.granted.total"
    assert render_report(report) is not None


def test_load_predictions_reads_jsonl_and_rejects_bad_lines(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text('{"doc": "a.txt", "values": {}}\n\n{"doc": "b.txt", "values": {}}\n', encoding="utf-8")
    assert [p["doc"] for p in load_predictions(good)] == ["a.txt", "b.txt"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc": "a.txt"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        load_predictions(bad)


# ---------------------------------------------------------------- the shared gold files
def test_every_gold_file_scores_perfectly_against_itself() -> None:
    golds = load_gold(GOLD_DIR)
    assert len(golds) >= 11
    report = evaluate(golds, [as_prediction(g) for g in golds.values()])
    assert report.overall.right == report.overall.total > 2000
    assert all(d.misses == [] for d in report.documents)
    assert report.hard.precision == report.hard.recall == 1.0
    assert report.soft.precision == report.soft.recall == 1.0
    assert report.gold_without_prediction == []


@pytest.mark.skipif(not SHARED_GOLD.is_dir(), reason="shared/ is not beside the repo")
def test_gold_files_name_documents_relative_to_shared() -> None:
    golds = load_gold(SHARED_GOLD)
    assert "r004.html" in golds and golds["r004.html"].doc == "fixtures/real/r004.html"
    for gold in golds.values():
        assert (SHARED_GOLD.parents[1] / gold.doc).is_file()
