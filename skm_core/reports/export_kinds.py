"""The kinds of file a period's export can hold; light, so the command line can list them
without loading the report builders."""

from enum import StrEnum


class ExportKind(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"
    INFOGRAPHIC = "infografis"
    """The A4 poster as a PDF and, beside it, a square PNG for social media."""
    UPWARD_JSON = "json"
    UPWARD_CSV = "csv-hasil"


CHAT_EXPORT = (ExportKind.XLSX, ExportKind.CSV, ExportKind.PDF, ExportKind.INFOGRAPHIC)
"""What an official receives in the chat for /ekspor, in this order."""
