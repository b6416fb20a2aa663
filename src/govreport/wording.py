"""Findings and keys in plain Chinese, for the people who check a report (inspect page, review app).

A finding's own ``message`` is for logs and scripts (keys, English); here it is
said with the form's labels and the numbers involved, e.g.
``表三“予以公开”行合计不等于各列之和：应为 12，印为 13``. The keys stay
available to the pages as hover text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from govreport.form.catalog import FORMS, META_KEYS, PART_HEADINGS, PROSE_KEYS, Template
from govreport.identities import Identity, identities
from govreport.outputs.rows import TABLE_NAMES
from govreport.schema import Finding

_NUMBERING = re.compile(r"^(（[一二三四五六七八九十]）|[一二三四五六七八九十]、|\d+\.)")
_ASIDE = re.compile(r"（[^）]*）$")
_FACT_NAMES = dict(
    zip(
        (*META_KEYS, *PROSE_KEYS),
        (
            "发布机关",
            "报告年度",
            "表格版本",
            "正文所述主动公开信息数",
            "正文所述收到申请数",
            "正文所述信息处理费（元）",
        ),
        strict=True,
    )
)
# what other stages say, in Chinese (their messages are English, for logs)
_MESSAGES = (
    (re.compile(r"^pages read by OCR \(no sound text layer\): (.*)$"), "以下页面没有可用的文字层，已用 OCR 识别：{0}"),
    (re.compile(r"^no table of the form found"), "未找到统计表格：只提取了正文数字和各部分标题"),
    (re.compile(r"^labeller model not found"), "未找到标注模型，改由规则判断"),
    (
        re.compile(r"^(\d+) cells of (t\d) can be read several ways"),
        "{1}中有 {0} 个单元格数字连排、可有多种读法，已留空",
    ),
    (
        re.compile(r"^title looks injected: the agency '(.*?)' holds '([^']*)'"),
        "标题中的发布机关“{0}”含有网页或广告用语“{1}”，标题可能被篡改或混入了网站栏目，请核对原件",
    ),
)
_KIND_PREFIX = {
    "unreadable": "无法识别：",
    "ambiguous": "有歧义：",
    "warning": "提示：",
    "explanation": "",
    "broken_identity": "",
}


def row_label(table: str, label: str) -> str:
    """The row's own words: ``三、本年度办理结果 （一）予以公开`` -> ``予以公开``."""
    if table == "t4":
        return label.replace(" ", "·")
    last = label.split()[-1]
    short = _ASIDE.sub("", _NUMBERING.sub("", last)) or last
    return "办理结果总计" if short == "总计" else short  # the row, not the column of that name


def key_label(key: str, template: Template | None) -> str:
    """Where a key stands, in the form's words: ``表三“予以公开”行“总计”列``."""
    if key in _FACT_NAMES:
        return _FACT_NAMES[key]
    if key.startswith("section."):
        return f"第{PART_HEADINGS[int(key.split('.')[1])][0]}部分标题"
    table = key.split(".", 1)[0]
    labels = FORMS[template or "2021"].labels()
    if table not in TABLE_NAMES or key not in labels:
        return key
    row, column = labels[key]
    return f"{TABLE_NAMES[table]}“{row_label(table, row)}”行“{column}”列"


def _identity(finding: Finding, template: Template) -> Identity | None:
    return next((i for i in identities(template) if i.name == finding.identity), None)


def _column_label(column: str) -> str:
    return next(c.label for t in FORMS["2021"].tables for r in t.rows for c in r.columns if c.key == column)


def _sum(keys: tuple[str, ...], values: Mapping[str, Any]) -> Any:
    total = sum(values.get(k) or 0 for k in keys)
    return round(total, 4) if isinstance(total, float) else total


def _broken(finding: Finding, values: Mapping[str, Any], template: Template) -> str:
    if finding.soft:
        prose, table = (values.get(k) for k in finding.cells[:2])
        return f"正文所述收到申请数（{prose}）与表三“本年新收”总计（{table}）不一致"
    identity = _identity(finding, template)
    if identity is None:
        return finding.message
    left, right = _sum(identity.left, values), _sum(identity.right, values)
    where = identity.where
    if identity.kind == "row_total":
        row = FORMS[template].table("t3").row(where)
        return f"表三“{row_label('t3', row.label)}”行合计不等于各列之和：应为 {right}，印为 {left}"
    if identity.kind == "results_sum":
        return f"表三“{_column_label(where)}”列办理结果总计不等于各项结果之和：应为 {right}，印为 {left}"
    if identity.kind == "column_balance":
        return (
            f"表三“{_column_label(where)}”列：本年新收加上年结转为 {left}，"
            f"办理结果总计加结转下年度为 {right}，两者应相等"
        )
    if identity.kind == "group_total":
        row = FORMS[template].table("t4").row(where)
        return f"表四“{row_label('t4', row.label)}”总计不等于各项之和：应为 {right}，印为 {left}"
    return finding.message


def finding_text(finding: Finding, values: Mapping[str, Any], template: Template | None) -> str:
    """One finding as a sentence in Chinese, with the form's labels and the numbers involved."""
    if finding.kind == "broken_identity" and finding.identity and template:
        return _broken(finding, values, template)
    if finding.kind == "explanation" and finding.cells:
        key = finding.cells[0]
        return (
            f"{key_label(key, template)}印为 {values.get(key)}；改为 {finding.restoring_value} 则相关勾稽关系全部成立"
        )
    if finding.kind == "warning" and finding.message.endswith("counts cannot be") and finding.cells:
        key = finding.cells[0]
        return f"{key_label(key, template)}为负数（{values.get(key)}），数量不能为负"
    for pattern, text in _MESSAGES:
        match = pattern.match(finding.message)
        if match:
            groups = [TABLE_NAMES.get(g, g) for g in match.groups()]
            return _KIND_PREFIX[finding.kind] + text.format(*groups)
    return _KIND_PREFIX[finding.kind] + finding.message


def finding_hover(finding: Finding) -> str:
    """What the finding is in keys: its identity and cells (hover text)."""
    identity = " / ".join(finding.identity) + "\n" if finding.identity else ""
    return f"{identity}{finding.message}\n{' '.join(finding.cells)}".strip()
