"""Errors that stop one document (never a batch). Messages are shown to users as they are."""


class GovReportError(Exception):
    """Base class: the document could not be processed; the message says why."""


class IngestError(GovReportError):
    """The file could not be read as a document (empty, corrupt, encrypted, wrong encoding, too large...)."""


class UnsupportedFormat(IngestError):
    """The file is of a format this toolkit does not read."""


class NotAReport(GovReportError):
    """The document reads fine but shows nothing of an annual disclosure report."""
