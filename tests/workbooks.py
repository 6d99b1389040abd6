"""Workbooks written by tests."""

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def active_sheet(book: Workbook) -> Worksheet:
    """The sheet a new workbook opens with (openpyxl types it as possibly absent)."""
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return sheet
