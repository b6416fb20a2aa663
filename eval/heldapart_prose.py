"""The prose facts on wordings held apart from training: phrasings that neither the synthetic
corpus (``training/bank.py``, ``training/corpus.py``) emits nor a fixture holds, each stated once
in a small report; the rules and each cross-validation fold model alone read them.

    python eval/heldapart_prose.py                      # the fold models in out/cv (eval/cv_labeller.py)
    python eval/heldapart_prose.py --models /tmp/cv-before

The CV prose number is scored on fixtures whose misses chose the corpus's word classes; this
list was written apart from both, so it says how the model does on wording nobody tuned for.
Keep it out of the corpus: a phrasing added to the bank no longer tests anything here.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport.labelling.labeller import LabellerPolicy  # noqa: E402
from govreport.pipeline import extract  # noqa: E402

PROACTIVE = (
    "全年共对外公开政府信息{n}条。",
    "主动向社会公开各类信息{n}条，其中政策文件12件。",
    "全年编发政务信息{n}条。",
    "全年政府信息公开总量达{n}条。",
    "在政府网站公开栏目上传信息{n}条。",
    "通过各渠道发布信息总计{n}条。",
    "我委在官网集中公示各类信息{n}条。",
    "本年度网站刊发公开信息{n}条。",
)
RECEIVED = (
    "全年共登记政府信息公开申请{n}件，均按时办结。",
    "受理群众信息公开申请{n}件。",
    "收到申请人提交的公开申请{n}件。",
    "全年依申请公开受理量为{n}件。",
    "全年未有申请人提出政府信息公开申请。",
    "本年度暂未收到政府信息公开申请。",
    "全年共计办结政府信息公开申请{n}件。",
    "本年度登记在册的信息公开申请{n}件。",
)
FEE = (
    "依申请公开未向申请人收取任何费用。",
    "本年度信息处理费收取金额为{n}元。",
    "全年未曾收取信息处理费。",
    "本年度按规定收缴信息处理费{n}元。",
)
KEYS = ("prose.proactive_total", "prose.applications_received", "prose.fee_collected")


def reports(folder: Path, seed: int = 5) -> list[tuple[Path, dict[str, int]]]:
    """One small report per held-apart proactive sentence, with a received and a fee sentence."""
    rng = random.Random(seed)
    out = []
    for i, proactive in enumerate(PROACTIVE):
        received, fee = RECEIVED[i % len(RECEIVED)], FEE[i % len(FEE)]
        gold = {
            KEYS[0]: rng.randint(30, 3000),
            KEYS[1]: 0 if "未" in received else rng.randint(2, 90),
            KEYS[2]: 0 if "未" in fee else rng.randint(5, 300),
        }
        lines = [
            "某市自然资源局2023年政府信息公开工作年度报告",
            "一、总体情况",
            "本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
            proactive.format(n=gold[KEYS[0]]),
            "（二）依申请公开情况",
            received.format(n=gold[KEYS[1]]),
            "二、主动公开政府信息情况",
            "详见下表。",
            "三、收到和处理政府信息公开申请情况",
            "详见下表。",
            "四、政府信息公开行政复议、行政诉讼情况",
            "无。",
            "五、存在的主要问题及改进情况",
            "宣传不够。",
            "六、其他需要报告的事项",
            fee.format(n=gold[KEYS[2]]),
        ]
        path = folder / f"heldapart{i}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        out.append((path, gold))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=ROOT / "out" / "cv", help="folder of lac-fold<i> models")
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    cases = reports(Path(tempfile.mkdtemp(prefix="heldapart-")))
    runs = [("rules", "rules", None)] + [
        (f"model fold{i}", "model", LabellerPolicy(model_dir=args.models / f"lac-fold{i}")) for i in range(args.folds)
    ]
    for name, mode, policy in runs:
        right = dict.fromkeys(KEYS, 0)
        for path, gold in cases:
            read = {v.key: v.value for v in extract(path, mode, policy=policy or LabellerPolicy()).facts}  # type: ignore[arg-type]
            for key in KEYS:
                right[key] += read.get(key) == gold[key]
                if read.get(key) != gold[key]:
                    print(f"    {name}: {path.name} {key} gold {gold[key]} read {read.get(key)}")
        per_key = "  ".join(f"{key.split('.')[1]} {n}/{len(cases)}" for key, n in right.items())
        print(f"{name:12} {per_key}  all {sum(right.values())}/{len(cases) * len(KEYS)}")


if __name__ == "__main__":
    main()
