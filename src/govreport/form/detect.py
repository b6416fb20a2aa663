"""Which version of the form a report uses."""

from __future__ import annotations

import re

from govreport.document import Document
from govreport.form.catalog import TEMPLATE_MARKERS, Template
from govreport.text import squash

# labels every table 3 prints, in both versions: a report without any has no tables
_TABLE_EVIDENCE = re.compile("本年新收|上年结转|予以公开|结转下年度|第二十条|结果维持|尚未审结")
# ... unless a sentence states a count right after it (上年结转政府信息公开申请3件, 予以公开12件): a
# report without tables says such things in its prose; a table's label is followed by bare cell values
_STATED_COUNT = re.compile(r"[^,。;:!?]{0,12}?\d+(?:件|条|项|次)")


def _shows_a_table(text: str) -> bool:
    return any(not _STATED_COUNT.match(text, m.end()) for m in _TABLE_EVIDENCE.finditer(text))


def detect_template(doc: Document, year: int | None) -> Template | None:
    """Count the labels only one version prints; the report year breaks a tie.

    Returns None when the document shows no table of the form at all.
    """
    text = squash(doc.text)
    if not _shows_a_table(text):
        return None
    counts = {t: sum(text.count(m) for m in markers) for t, markers in TEMPLATE_MARKERS.items()}
    if counts["2021"] != counts["2019"]:
        return "2021" if counts["2021"] > counts["2019"] else "2019"
    return "2021" if year is None or year >= 2021 else "2019"
