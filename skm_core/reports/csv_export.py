"""The responses of a period as CSV for Excel in an Indonesian locale, importable back.

The columns that `skm import` reads carry the importer's own names (tanggal, layanan, the profile
question ids, U1..U9, saran) and the importer's formats, so an export can be imported again.
"""

import csv
import io
from zoneinfo import ZoneInfo

from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.importing import DATE_COLUMNS, SERVICE_COLUMNS, SUGGESTION_COLUMNS
from skm_core.storage.responses import AnswerRecord

DELIMITER = ";"
VERSION_COLUMN = "versi_kuesioner"
"""Last, so the columns before it stay where earlier exports had them."""
DATE_FORMAT = "%Y-%m-%d %H:%M"
# A cell that starts with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Free text that a spreadsheet will show as text and never run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_header(content: Content) -> list[str]:
    words = content.report.csv
    return [
        words.number,
        DATE_COLUMNS[0],
        SERVICE_COLUMNS[0],
        words.channel,
        words.ticket,
        *(question.id for question in content.survey.profile),
        *UNSUR_CODES,
        SUGGESTION_COLUMNS[0],
        VERSION_COLUMN,
    ]


def _cell(value: str | int | None) -> str:
    return "" if value is None else str(value)


def csv_row(record: AnswerRecord, content: Content, tz: ZoneInfo) -> list[str]:
    words = content.report.csv
    return [
        str(record.number),
        record.submitted_at.astimezone(tz).strftime(DATE_FORMAT),
        _cell(record.service_id),
        record.channel,
        words.ticket_yes if record.ticketed else words.ticket_no,
        *(_cell(record.profile.get(question.id)) for question in content.survey.profile),
        *(_cell(answer) for answer in record.answers),
        safe_text(record.suggestion) if record.suggestion else "",
        _cell(record.questionnaire_version),
    ]


def answers_csv(records: list[AnswerRecord], content: Content, tz: ZoneInfo) -> bytes:
    """One line per response: UTF-8 with a byte order mark, so Excel reads the accents right."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(csv_header(content))
    writer.writerows(csv_row(record, content, tz) for record in records)
    return buffer.getvalue().encode("utf-8-sig")
