"""Errors that stop one document (never a batch). Messages are shown to users as they are."""


class GovReportError(Exception):
    """Base class: the document could not be processed; the message says why."""


class IngestError(GovReportError):
    """The file could not be read as a document (empty, corrupt, encrypted, wrong encoding, too large...)."""


class UnsupportedFormat(IngestError):
    """The file is of a format this toolkit does not read."""


class NotAReport(GovReportError):
    """The document reads fine but shows nothing of an annual disclosure report."""


# What each limit (``options.Limits`` field) measures, and the CLI option that raises it.
LIMIT_WORDS = {
    "seconds": ("time", "seconds", "--max-seconds"),
    "memory_mb": ("memory", "MB resident", "--max-memory-mb"),
    "pages": ("pages", "pages", "--max-pages"),
    "page_pixels": ("page size", "pixels in one rendered page", "--max-page-pixels"),
    "table_cells": ("table size", "grid cells in one table", "--max-table-cells"),
    "rules_per_page": ("ruling lines", "rules on one page", "--max-rules-per-page"),
    "unzipped_mb": ("unzipped size", "MB uncompressed", "--max-unzipped-mb"),
    "digit_run": ("digit run", "digits in one run", "--max-digit-run"),
    "lines": ("lines", "lines", "--max-lines"),
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


class LimitExceeded(GovReportError):
    """The document is over one of the per-document limits (``options.Limits``); ``value`` None
    where only "more than the limit" is known (time, memory)."""

    def __init__(self, name: str, value: float | None, limit: float) -> None:
        what, unit, option = LIMIT_WORDS[name]
        if value is None:
            amount = f"more than {_number(limit)} {unit}"
        else:
            amount = f"{_number(value)} {unit}, over the limit of {_number(limit)}"
        super().__init__(f"limit exceeded: {what}: {amount} ({option} raises it)")
        self.name = name
