"""The State Council's form in both versions: canonical keys, official labels and
the label variants real reports print.

``cores`` are squashed (see ``govreport.text.squash``) label texts a row is
recognized by, most specific first; ``prefix`` is the row's own numbering,
which in run-together text sticks to the digits before it (``00000002.其他…``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Template = Literal["2019", "2021"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    money: bool = False  # in 万元; may be fractional
    signed: bool = False  # 本年增/减 may be negative
    stated: tuple[str, ...] = ()  # words the prose states this column's figure with (本年制发…5件)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cores: tuple[str, ...]
    prefix: str = ""
    columns: tuple[Column, ...] = ()
    # a core that only counts inside the gap its neighbours leave (too common alone)
    weak_cores: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableForm:
    name: str  # t2, t3, t4
    title: str
    rows: tuple[Row, ...]
    header_cores: tuple[str, ...] = ()  # labels of the header; values follow the last (table 4)

    def keys(self) -> list[str]:
        return [f"{self.name}.{row.key}.{col.key}" for row in self.rows for col in row.columns]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)


@dataclass(frozen=True)
class Form:
    template: Template
    notice: str
    tables: tuple[TableForm, ...] = field(default=())

    def table(self, name: str) -> TableForm:
        return next(t for t in self.tables if t.name == name)

    def keys(self) -> list[str]:
        return [key for table in self.tables for key in table.keys()]

    def labels(self) -> dict[str, tuple[str, str]]:
        """key -> (row label, column label), for spreadsheets and reports."""
        return {f"{t.name}.{r.key}.{c.key}": (r.label, c.label) for t in self.tables for r in t.rows for c in r.columns}


# ---------------------------------------------------------------- table 2
def _t2_columns_2021_docs() -> tuple[Column, ...]:
    return (
        Column("issued", "本年制发件数", stated=("制发", "印发", "出台")),
        Column("repealed", "本年废止件数", stated=("废止",)),
        Column("in_force", "现行有效件数", stated=("现行有效",)),
    )


def _t2_columns_2019_docs() -> tuple[Column, ...]:
    return (
        Column("new_made", "本年新制作数量", stated=("新制作", "制发", "印发")),
        Column("new_published", "本年新公开数量", stated=("新公开",)),
        Column("total_published", "对外公开总数量", stated=("对外公开总", "累计公开")),
    )


def _t2_columns_2019_items(with_decisions: bool = True) -> tuple[Column, ...]:
    cols = (Column("prev_items", "上一年项目数量"), Column("change", "本年增/减", signed=True))
    return (*cols, Column("decisions", "处理决定数量")) if with_decisions else cols


_DECISIONS = (Column("decisions", "本年处理决定数量"),)

T2_2021 = TableForm(
    "t2",
    "主动公开政府信息情况",
    rows=(
        Row("regulation", "规章", ("规章",), columns=_t2_columns_2021_docs()),
        Row(
            "normative_doc",
            "行政规范性文件",
            ("行政规范性文件", "规范性文件"),
            columns=_t2_columns_2021_docs(),
        ),
        Row("license", "行政许可", ("行政许可",), columns=_DECISIONS),
        Row("penalty", "行政处罚", ("行政处罚",), columns=_DECISIONS),
        Row("coercion", "行政强制", ("行政强制",), columns=_DECISIONS),
        Row(
            "fee",
            "行政事业性收费",
            ("行政事业性收费",),
            columns=(Column("amount", "本年收费金额（单位：万元）", money=True),),
        ),
    ),
)

T2_2019 = TableForm(
    "t2",
    "主动公开政府信息情况",
    rows=(
        Row("regulation", "规章", ("规章",), columns=_t2_columns_2019_docs()),
        Row("normative_doc", "规范性文件", ("行政规范性文件", "规范性文件"), columns=_t2_columns_2019_docs()),
        Row("license", "行政许可", ("行政许可",), columns=_t2_columns_2019_items()),
        Row(
            "other_service",
            "其他对外管理服务事项",
            ("其他对外管理服务事项",),
            columns=_t2_columns_2019_items(),
        ),
        Row("penalty", "行政处罚", ("行政处罚",), columns=_t2_columns_2019_items()),
        Row("coercion", "行政强制", ("行政强制",), columns=_t2_columns_2019_items()),
        Row("fee", "行政事业性收费", ("行政事业性收费",), columns=_t2_columns_2019_items(with_decisions=False)),
        Row(
            "procurement",
            "政府集中采购",
            ("政府集中采购",),
            columns=(Column("items", "采购项目数量"), Column("amount", "采购总金额", money=True)),
        ),
    ),
)

# ---------------------------------------------------------------- table 3
T3_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_org", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
APPLICANT_COLUMNS = tuple(c.key for c in T3_COLUMNS[:-1])


def _t3_row(key: str, label: str, cores: tuple[str, ...], prefix: str, weak: tuple[str, ...] = ()) -> Row:
    return Row(key, label, cores, prefix, T3_COLUMNS, weak)


_T3_HEAD = (
    _t3_row(
        "new_received",
        "一、本年新收政府信息公开申请数量",
        ("本年新收政府信息公开申请数量", "本年新收"),
        "一、",
    ),
    _t3_row(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        ("上年结转政府信息公开申请数量", "上年结转"),
        "二、",
    ),
    _t3_row("granted", "三、本年度办理结果 （一）予以公开", ("予以公开",), "(一)"),
    _t3_row("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), "(二)"),
    _t3_row("denied.state_secret", "（三）不予公开 1.属于国家秘密", ("属于国家秘密", "国家秘密"), "1."),
    _t3_row(
        "denied.law_prohibited",
        "2.其他法律行政法规禁止公开",
        ("其他法律行政法规禁止公开", "法规禁止公开"),
        "2.",
    ),
    _t3_row("denied.security_stability", "3.危及“三安全一稳定”", ("危及三安全一稳定", "三安全一稳定"), "3."),
    _t3_row("denied.third_party", "4.保护第三方合法权益", ("保护第三方合法权益", "第三方合法权益"), "4."),
    _t3_row("denied.internal_affairs", "5.属于三类内部事务信息", ("属于三类内部事务信息", "内部事务信息"), "5."),
    _t3_row("denied.process_info", "6.属于四类过程性信息", ("属于四类过程性信息", "过程性信息"), "6."),
    _t3_row("denied.enforcement_file", "7.属于行政执法案卷", ("属于行政执法案卷", "行政执法案卷"), "7."),
    _t3_row("denied.admin_query", "8.属于行政查询事项", ("属于行政查询事项", "行政查询事项"), "8."),
    _t3_row(
        "unavailable.not_held",
        "（四）无法提供 1.本机关不掌握相关政府信息",
        ("本机关不掌握相关政府信息", "不掌握相关"),
        "1.",
    ),
    _t3_row(
        "unavailable.needs_creation",
        "2.没有现成信息需要另行制作",
        ("没有现成信息需要另行制作", "需要另行制作"),
        "2.",
    ),
    _t3_row("unavailable.unclear", "3.补正后申请内容仍不明确", ("补正后申请内容仍不明确", "仍不明确"), "3."),
    _t3_row(
        "not_processed.complaint",
        "（五）不予处理 1.信访举报投诉类申请",
        ("信访举报投诉类申请", "信访举报"),
        "1.",
    ),
    _t3_row("not_processed.duplicate", "2.重复申请", ("重复申请",), "2."),
    _t3_row("not_processed.publication", "3.要求提供公开出版物", ("要求提供公开出版物", "公开出版物"), "3."),
    _t3_row(
        "not_processed.excessive",
        "4.无正当理由大量反复申请",
        ("无正当理由大量反复申请", "大量反复申请"),
        "4.",
    ),
    _t3_row(
        "not_processed.confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        ("要求行政机关确认或重新出具已获取信息", "重新出具已获取信息", "确认或重新出具"),
        "5.",
    ),
)
_T3_TAIL = (
    _t3_row("results_total", "（七）总计", ("(七)总计", "(七)总记", "(七)合计"), "(七)", ("总计", "总记", "合计")),
    _t3_row("carried_forward", "四、结转下年度继续办理", ("结转下年度继续办理", "结转下年度"), "四、"),
)
_T3_OTHER_2021 = (
    _t3_row(
        "other.no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由逾期不补正", "逾期不补正"),
        "1.",
    ),
    _t3_row(
        "other.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按收费通知要求缴纳费用", "逾期未按收费通知", "缴纳费用"),
        "2.",
    ),
    _t3_row("other.misc", "3.其他", ("3.其他",), "3.", ("其他",)),
)
_T3_OTHER_2019 = (_t3_row("other.total", "（六）其他处理", ("其他处理",), "(六)"),)

_T3_HEADERS = (
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "总计",
)

T3_2021 = TableForm(
    "t3",
    "收到和处理政府信息公开申请情况",
    rows=(*_T3_HEAD, *_T3_OTHER_2021, *_T3_TAIL),
)
T3_2019 = TableForm(
    "t3",
    "收到和处理政府信息公开申请情况",
    rows=(*_T3_HEAD, *_T3_OTHER_2019, *_T3_TAIL),
)
T3_RESULT_ROWS_2021 = tuple(r.key for r in T3_2021.rows[2:-2])
T3_RESULT_ROWS_2019 = tuple(r.key for r in T3_2019.rows[2:-2])

# ---------------------------------------------------------------- table 4
T4_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
T4 = TableForm(
    "t4",
    "政府信息公开行政复议、行政诉讼情况",
    rows=(
        Row("review", "行政复议", ("行政复议",), columns=T4_COLUMNS),
        Row("suit_direct", "行政诉讼 未经复议直接起诉", ("未经复议直接起诉",), columns=T4_COLUMNS),
        Row("suit_after_review", "行政诉讼 复议后起诉", ("复议后起诉",), columns=T4_COLUMNS),
    ),
    header_cores=(
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
        "总记",
        "审结",
        "维持",
        "纠正",
    ),
)

FORMS: dict[Template, Form] = {
    "2021": Form("2021", "国办公开办函〔2021〕30号", (T2_2021, T3_2021, T4)),
    "2019": Form("2019", "国办公开办函〔2019〕60号", (T2_2019, T3_2019, T4)),
}

# Labels only one version prints; counted to tell the versions apart.
TEMPLATE_MARKERS: dict[Template, tuple[str, ...]] = {
    "2021": (
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "逾期不补正",
        "逾期未按收费通知",
    ),
    "2019": (
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "其他对外管理服务事项",
        "政府集中采购",
        "采购总金额",
    ),
}

META_KEYS = ("meta.agency", "meta.year", "meta.template")
PROSE_KEYS = ("prose.proactive_total", "prose.applications_received", "prose.fee_collected")
SECTION_KEYS = tuple(f"section.{i}" for i in range(1, 7))
# the six part headings as the form words them (both versions)
PART_HEADINGS: dict[int, str] = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}
