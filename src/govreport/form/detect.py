"""Which version of the form a report uses."""

from __future__ import annotations

from govreport.document import Document
from govreport.form.catalog import TEMPLATE_MARKERS, Template
from govreport.text import squash

# labels every table 3 prints, in both versions: a report without any has no tables
_TABLE_EVIDENCE = ("本年新收", "上年结转", "予以公开", "结转下年度", "第二十条", "结果维持", "尚未审结")


def detect_template(doc: Document, year: int | None) -> Template | None:
    """Count the labels only one version prints; the report year breaks a tie.

    Returns None when the document shows no table of the form at all.
    """
    text = squash(doc.text)
    if not any(marker in text for marker in _TABLE_EVIDENCE):
        return None
    counts = {t: sum(text.count(m) for m in markers) for t, markers in TEMPLATE_MARKERS.items()}
    if counts["2021"] != counts["2019"]:
        return "2021" if counts["2021"] > counts["2019"] else "2019"
    return "2021" if year is None or year >= 2021 else "2019"
