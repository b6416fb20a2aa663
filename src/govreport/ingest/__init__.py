"""Ingestion: any supported input file to a ``Document`` of text blocks and tables.

``load(path)`` sniffs the format (magic bytes first, file suffix second), checks
the file is sane (exists, not empty, not too large) and hands the bytes to the
loader registered for the format in ``LOADERS``. Every failure is an
``IngestError`` whose message is one line meant for users.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from govreport.document import Document
from govreport.errors import IngestError, UnsupportedFormat
from govreport.ingest.docx import load_docx
from govreport.ingest.html import has_html_table, html_document, load_html, markdown_with_html_tables
from govreport.ingest.image import load_image
from govreport.ingest.pdf import load_pdf
from govreport.ingest.text import decode_bytes, sniff_markup, text_document

__all__ = ["FILE_LOADERS", "LOADERS", "MAX_BYTES", "MAX_FILE_BYTES", "UNSUPPORTED", "detect_format", "load"]

MAX_BYTES = 20 * 1024 * 1024  # text, HTML and DOCX reports are well under 1 MiB

Loader = Callable[[str, bytes], Document]


def _load_plain(path: str, data: bytes, fmt: str) -> Document:
    """A text or markdown file, read as the markup its content is in (a crawler's
    ``.txt`` may hold a page or markdown), so that markup never reaches a value."""
    text, encoding = decode_bytes(data)
    markup = sniff_markup(text) or fmt
    if markup == "html":
        return html_document(path, text, encoding)
    if markup == "md" and has_html_table(text):
        return markdown_with_html_tables(path, text, encoding)
    return text_document(path, text, encoding, markup)


def load_text(path: str, data: bytes) -> Document:
    return _load_plain(path, data, "txt")


def load_markdown(path: str, data: bytes) -> Document:
    return _load_plain(path, data, "md")


# format -> loader; a new format (pdf, image) is one entry here plus a sniff rule.
LOADERS: dict[str, Loader] = {
    "txt": load_text,
    "md": load_markdown,
    "html": load_html,
    "docx": load_docx,
}

# PDFs and images are read from the file page by page, never whole into memory:
# format -> loader of a path, under their own, larger size limit.
MAX_FILE_BYTES = 1024 * 1024 * 1024  # a 300-page scanned report is a few hundred MiB
FILE_LOADERS: dict[str, Callable[[str], Document]] = {
    "pdf": load_pdf,
    "image": load_image,
}

# Formats recognised but not read: format -> message.
UNSUPPORTED: dict[str, str] = {
    "doc": "Legacy Word .doc (or an encrypted Office file) is not supported; save it as .docx",
    "wps": "WPS documents are not supported; save it as .docx",
    "zip": "Zip archives are not supported; extract the report first",
    "xlsx": "Excel input is not supported",
}

_SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "wps",
    ".xls": "doc",
    ".xlsx": "xlsx",
    ".zip": "zip",
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"), "image"),
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # OLE2: .doc, .xls, encrypted .docx
    (b"PK\x03\x04", "zip"),
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
_SNIFF_BYTES = 1024


def _sniff(head: bytes) -> str | None:
    for magic, fmt in _MAGIC:
        if head.startswith(magic):
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith(b"<?xml"):
        return "html" if b"<html" in start else None
    if start.startswith(_HTML_STARTS):
        return "html"
    return None


def detect_format(path: str | os.PathLike[str], head: bytes) -> str:
    """Format of a file from its first bytes, else its suffix; unknown suffixes read as text."""
    suffix_format = _SUFFIXES.get(Path(path).suffix.lower())
    sniffed = _sniff(head)
    if sniffed == "zip":
        # a .docx is a zip (one saved as .doc or .wps is still read: the content decides); the docx
        # loader says what else an archive holds
        return suffix_format if suffix_format in ("zip", "xlsx") else "docx"
    return sniffed or suffix_format or "txt"


def _file_size(path: str) -> int:
    """Size of the file at ``path`` after the checks that need no reading."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise IngestError(f"File not found: {path}") from None
    except OSError as exc:
        raise IngestError(f"Cannot open {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(f"Not a file but a directory: {path}")
    if not stat.S_ISREG(info.st_mode):  # FIFOs and devices could block or never end
        raise IngestError(f"Not a regular file: {path}")
    if info.st_size == 0:
        raise IngestError("File is empty (0 bytes)")
    return info.st_size


def _too_large(size: int, limit: int) -> IngestError:
    return IngestError(f"File is too large ({size / 2**20:.1f} MiB; the limit is {limit // 2**20} MiB)")


def _load_file(fmt: str, name: str, size: int) -> Document:
    if size > MAX_FILE_BYTES:
        raise _too_large(size, MAX_FILE_BYTES)
    return FILE_LOADERS[fmt](name)


def load(path: str | os.PathLike[str]) -> Document:
    """Read one report file into a ``Document``; raise ``IngestError`` when it cannot be read."""
    name = os.fspath(path)
    size = _file_size(name)
    try:
        with open(name, "rb") as f:
            head = f.read(_SNIFF_BYTES)
            fmt = detect_format(name, head)
            if fmt in UNSUPPORTED:
                raise UnsupportedFormat(UNSUPPORTED[fmt])
            if fmt in FILE_LOADERS:
                data = b""  # read by its loader, page by page
            elif size > MAX_BYTES:
                raise _too_large(size, MAX_BYTES)
            else:
                data = head + f.read(MAX_BYTES + 1 - len(head))  # bounded even if the file grew
    except OSError as exc:
        raise IngestError(f"Cannot read {name}: {exc.strerror or exc}") from None
    if fmt in FILE_LOADERS:
        return _load_file(fmt, name, size)
    if len(data) > MAX_BYTES:  # the file grew since it was measured
        raise _too_large(len(data), MAX_BYTES)
    try:
        return LOADERS[fmt](name, data)
    except RecursionError:
        raise IngestError("Document is too deeply nested to read") from None
