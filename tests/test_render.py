"""The renderer writes the official table layouts with real merged cells, and
every value lands in the cell its layout assigns it, in HTML and in DOCX."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

from govreport.form.catalog import FORMS
from govreport.render import ReportSpec, form_layouts, render_docx, render_html, table_layouts
from govreport.render.layout import T3_CORNER, T3_RESULTS, LayoutCell, TableLayout, format_value

GOLD = Path(__file__).parent / "fixtures" / "gold"
CASES = {  # gold file → template
    "seed-003": "2021",
    "seed-004": "2019",
    "real-r004": "2019",
}


@pytest.fixture(scope="module", params=sorted(CASES))
def spec(request: pytest.FixtureRequest) -> ReportSpec:
    return ReportSpec.from_gold(GOLD / f"{request.param}.json")


def _html_grids(page: str) -> list[dict[tuple[int, int], lxml_html.HtmlElement]]:
    """Each table as grid slot → the <td> covering it (spans expanded)."""
    grids = []
    for table in lxml_html.fromstring(page).iter("table"):
        grid: dict[tuple[int, int], lxml_html.HtmlElement] = {}
        for r, tr in enumerate(table.iter("tr")):
            c = 0
            for td in tr.iter("td"):
                while (r, c) in grid:  # skip slots a rowspan from above covers
                    c += 1
                rows, cols = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for dr in range(rows):
                    for dc in range(cols):
                        grid[(r + dr, c + dc)] = td
                c += cols
        grids.append(grid)
    return grids


def _result_rows(template: str) -> int:
    """Rows under 三、本年度办理结果: （一）予以公开 … （七）总计."""
    return len(FORMS[template].table("t3").rows) - 3  # less 新收, 结转, 结转下年度


# ---------------------------------------------------------------- layout
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_layout_tiles_the_grid_and_holds_every_key(template: str) -> None:
    for layout in form_layouts(template):
        slots = [(c.row + dr, c.col + dc) for c in layout.cells for dr in range(c.rowspan) for dc in range(c.colspan)]
        assert len(slots) == len(set(slots)) == layout.n_rows * layout.n_cols, layout.name
    keys = [k for layout in form_layouts(template) for k in layout.value_cells()]
    assert sorted(keys) == sorted(FORMS[template].keys())


def test_value_formatting() -> None:
    assert [format_value(v) for v in (0, -55, 1082.33, 25.1, 3.0, None)] == [
        "0",
        "-55",
        "1082.33",
        "25.1",
        "3",
        "",
    ]


# ---------------------------------------------------------------- HTML
def test_html_has_the_official_spans(spec: ReportSpec) -> None:
    page = render_html(spec)
    assert '<meta charset="utf-8">' in page and "Noto Sans CJK SC" in page and "SimSun" in page
    tree = lxml_html.fromstring(page)
    assert len(tree.findall(".//table[@border='1']")) == 3
    corner = tree.xpath("//td[normalize-space()=$t]", t=T3_CORNER)[0]
    assert (corner.get("rowspan"), corner.get("colspan")) == ("3", "3")
    results = tree.xpath("//td[normalize-space()=$t]", t=T3_RESULTS)[0]
    assert results.get("rowspan") == str(_result_rows(spec.template))
    denied = tree.xpath("//td[normalize-space()='（三）不予公开']")[0]
    assert denied.get("rowspan") == "8"
    other = tree.xpath("//td[normalize-space()='（六）其他处理']")[0]
    assert (other.get("rowspan"), other.get("colspan")) == (("3", None) if spec.template == "2021" else (None, "2"))
    suits = tree.xpath("//td[normalize-space()='行政诉讼']")[0]
    assert suits.get("colspan") == "10"


def test_html_values_sit_at_their_layout_position(spec: ReportSpec) -> None:
    grids = _html_grids(render_html(spec))
    checked = 0
    for layout, grid in zip(table_layouts(spec.template, spec.values), grids, strict=True):
        assert max(grid)[0] + 1 == layout.n_rows and max(c for _, c in grid) + 1 == layout.n_cols
        for cell in layout.cells:  # labels too: the whole table reads back as laid out
            td = grid[(cell.row, cell.col)]
            assert (td.text_content(), int(td.get("rowspan", 1)), int(td.get("colspan", 1))) == (
                cell.text,
                cell.rowspan,
                cell.colspan,
            )
            if cell.key is not None:
                assert cell.text == format_value(spec.values.get(cell.key))
                checked += 1
    assert checked == len(FORMS[spec.template].keys())


def test_html_prints_signed_money_and_blank_values() -> None:
    seed = ReportSpec.from_gold(GOLD / "seed-004.json")
    page = render_html(seed)
    assert ">-55<" in page and ">1082.33<" in page
    real = ReportSpec.from_gold(GOLD / "real-r004.json")  # the gold leaves 复议后起诉 out: blank cells
    t4 = _html_grids(render_html(real))[2]
    assert [t4[(3, c)].text_content() for c in range(15)] == [
        "5",
        "0",
        "0",
        "2",
        "7",
        "8",
        "0",
        "0",
        "1",
        "9",
    ] + [""] * 5


def test_html_is_deterministic(spec: ReportSpec) -> None:
    assert render_html(spec) == render_html(spec.model_copy(deep=True))


# ---------------------------------------------------------------- DOCX
@pytest.fixture(scope="module")
def docx_path(spec: ReportSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_docx(spec, tmp_path_factory.mktemp("docx") / "report.docx")


def test_docx_has_real_merged_cells(spec: ReportSpec, docx_path: Path) -> None:
    document = docx.Document(str(docx_path))
    assert len(document.tables) == 3
    for layout, table in zip(table_layouts(spec.template, spec.values), document.tables, strict=True):
        xml = table._tbl.xml
        assert ("<w:vMerge" in xml) == any(c.rowspan > 1 for c in layout.cells), layout.name
        assert ("<w:gridSpan" in xml) == any(c.colspan > 1 for c in layout.cells), layout.name
        texts = [t.text for t in table._tbl.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")]
        for cell in layout.cells:
            if cell.merged and cell.text:  # printed once, not copied into the slots it covers
                assert texts.count(cell.text) == _count_text(layout, cell), (layout.name, cell.text)


def _count_text(layout: TableLayout, cell: LayoutCell) -> int:
    return sum(1 for c in layout.cells if c.text == cell.text)


def test_docx_values_sit_at_their_layout_position(spec: ReportSpec, docx_path: Path) -> None:
    document = docx.Document(str(docx_path))
    for layout, table in zip(table_layouts(spec.template, spec.values), document.tables, strict=True):
        assert (len(table.rows), len(table.columns)) == (layout.n_rows, layout.n_cols)
        grid = [row.cells for row in table.rows]  # table.cell() rescans the table per call
        for cell in layout.cells:
            assert grid[cell.row][cell.col].text == cell.text, (layout.name, cell.key or cell.text)


def test_docx_has_title_headings_and_prose(spec: ReportSpec, docx_path: Path) -> None:
    text = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert f"{spec.agency}{spec.year}年政府信息公开工作年度报告" in text
    assert all(h in text for h in (spec.headings or {}).values() if h)


# ---------------------------------------------------------------- spec
def test_generic_prose_states_the_prose_facts() -> None:
    spec = ReportSpec.from_gold(GOLD / "seed-003.json")
    assert spec.parts is not None and spec.headings is not None
    assert "主动公开政府信息161条" in spec.parts[1] and "收到政府信息公开申请2件" in spec.parts[1]
    assert spec.headings[2] == "2、 主动公开政府信息情况"
    fee_free = ReportSpec.from_gold(GOLD / "real-r002.json")
    assert fee_free.parts is not None and "未收取信息处理费" in fee_free.parts[6]


def test_prose_from_source_text_skips_table_cells() -> None:
    source = next((GOLD.parent / "seeds").glob("003_*.txt"))
    spec = ReportSpec.from_gold(GOLD / "seed-003.json", source)
    assert spec.parts is not None
    assert spec.parts[6] == "无需要说明的其他事项。"
    assert "主动公开的政府信息161条" in spec.parts[1]
    assert spec.parts[4] == ""  # part four is only its table (cells split over lines included)


def test_headings_override_and_drop() -> None:
    spec = ReportSpec(agency="某局", year=2021, template="2021", values={}, headings={6: None, 1: "1、总体情况"})
    page = render_html(spec)
    assert "<h2>1、总体情况</h2>" in page and "六、其他需要报告的事项" not in page


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"t2\.procurement\.items"):
        ReportSpec(agency="某局", year=2021, template="2021", values={"t2.procurement.items": 1})


def test_report_without_tables() -> None:
    spec = ReportSpec.from_gold(GOLD / "seed-002.json")  # meta.template null, parts two to four missing
    page = render_html(spec)
    assert "<table" not in page and "二、主动公开政府信息情况" not in page
