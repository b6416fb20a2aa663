"""Renditions made by other producers' tools, as real reports come out of them.

- ``docx-office``: the fixture's DOCX (``govreport.render``) opened and saved again by
  LibreOffice: other XML (table grids, merged cells, styles, runs split mid-word).
- ``pdf-office``: that DOCX, with a running header and page numbers as offices print
  them, exported to PDF by LibreOffice (its own fonts, glyph spacing, cell borders, tables
  broken over pages with a row split between two).
- ``pdftotext-layout`` and ``pdftotext-layout-office``: the Chromium and the LibreOffice
  PDF as text laid out by position (poppler's ``pdftotext -layout``), how PDF reports are
  saved as text by crawlers and archives; ``pdftotext-text`` and ``pdftotext-text-office``:
  the same without ``-layout`` (poppler's reading order: LibreOffice's tables come as their
  labels and then their numbers, Chromium's column by column); ``pypdf-text`` and ``pypdf-text-office``: the
  same PDFs as pypdf's ``extract_text`` gives them (the text in the order the PDF draws it,
  its fonts' radical code points kept: ``⼀、总体情况``), how Python crawlers save them.

Needs ``soffice`` (Debian: ``libreoffice-writer-nogui``) and ``pdftotext``
(``poppler-utils``); ``office_path()`` and ``pdftotext_path()`` are None where they are
missing, so callers can skip.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_FILTERS = {"pdf": "pdf:writer_pdf_Export", "docx": "docx:MS Word 2007 XML"}
RUNNING_HEADER = "政府信息公开工作年度报告"


def office_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdftotext_path() -> str | None:
    return shutil.which("pdftotext")


def office_convert(document: Path, to: str, out: Path) -> Path:
    """``document`` opened and saved by LibreOffice as ``to`` (``pdf`` or ``docx``) at ``out``."""
    office = office_path()
    if office is None:
        raise RuntimeError("no LibreOffice found (install the 'libreoffice-writer-nogui' package)")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"in{document.suffix}"
        shutil.copyfile(document, source)
        command = [
            office, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
            "--convert-to", _FILTERS[to], "--outdir", f"{tmp}/out", str(source),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=180)
        shutil.move(Path(tmp) / "out" / f"in.{to}", out)
    return out


def with_page_furniture(docx: Path, out: Path) -> Path:
    """The DOCX with a running header and a page number (— N —) in its footer."""
    import docx as python_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = python_docx.Document(str(docx))
    section = document.sections[0]
    section.header.paragraphs[0].add_run(RUNNING_HEADER)
    footer = section.footer.paragraphs[0]
    footer.add_run("— ")
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    footer._p.append(page)
    footer.add_run(" —")
    document.save(str(out))
    return out


def pdftotext(pdf: Path, out: Path, layout: bool = True) -> Path:
    """The PDF's text as poppler gives it, UTF-8: laid out by position (``-layout``), or
    in its default reading order (a table's label column, then its numbers)."""
    tool = pdftotext_path()
    if tool is None:
        raise RuntimeError("no pdftotext found (install the 'poppler-utils' package)")
    command = [tool, *(["-layout"] if layout else []), "-enc", "UTF-8", str(pdf), str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out


def pypdf_text(pdf: Path, out: Path) -> Path:
    """The PDF's text as pypdf extracts it, pages one after the other, UTF-8."""
    from pypdf import PdfReader

    out.write_text("\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages), encoding="utf-8")
    return out
