"""Turning rows of a historical answer file into survey responses, validating every cell."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import answer_day_in_range, latest_answer_day
from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import ProfileQuestion, Service
from skm_core.conversation.choices import key as words_key
from skm_core.ikm.answer_files import AnswerRow, Cell, FileProblem
from skm_core.ikm.compute import Answer
from skm_core.ikm.responses import SurveyResponse
from skm_core.problems import Problem

IMPORT_CHANNEL = "import"
DATE_COLUMNS = ("tanggal", "tanggal survei", "tanggal_survei", "date", "timestamp", "waktu")
SERVICE_COLUMNS = ("layanan", "jenis layanan", "jenis_layanan")
SUGGESTION_COLUMNS = ("saran", "saran dan masukan", "masukan")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%H.%M.%S", "%H.%M")
# A survey without an hour is placed at midday, safely inside its local day.
_MIDDAY = time(12, 0)
FORMULA_GUARDS = {"'=", "'+", "'-", "'@"}


def _first_present(columns: Sequence[str], row: AnswerRow) -> str | None:
    for name in columns:
        if name in row.fields:
            return name
    return None


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell == int(cell):
        return str(int(cell))
    return str(cell).strip()


def parse_local_datetime(cell: Cell) -> datetime | None:
    """A date, or a date and time, as people type them in Indonesia (day before month)."""
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    if isinstance(cell, date):
        return datetime.combine(cell, _MIDDAY)
    text = _text(cell)
    parts = text.split()
    if not parts or len(parts) > 2:
        return None
    for date_format in _DATE_FORMATS:
        try:
            day = datetime.strptime(parts[0], date_format).date()
        except ValueError:
            continue
        if len(parts) == 1:
            return datetime.combine(day, _MIDDAY)
        for time_format in _TIME_FORMATS:
            try:
                return datetime.combine(day, datetime.strptime(parts[1], time_format).time())
            except ValueError:
                continue
        return None
    return None


def _service_lookup(services: Sequence[Service]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for s in services:
        for key in (s.id, s.short_name, s.name):
            lookup[key.casefold()] = s.id
    return lookup


def _profile_value(
    path: Path, row: AnswerRow, column: str, question: ProfileQuestion
) -> str | int | None:
    raw = _text(row.fields.get(column))
    if not raw:
        return None
    if question.kind == "number":
        low, high = question.number_range()
        span = f"{low}–{high}"
        try:
            number = int(raw)
        except ValueError:
            raise FileProblem(
                path, Problem.BAD_NUMBER, row=row.row, column=column, value=raw, detail=span
            ) from None
        if not low <= number <= high:
            raise FileProblem(
                path, Problem.BAD_NUMBER, row=row.row, column=column, value=raw, detail=span
            )
        return number
    # The id, the label or a word the content declares for it, as the chat reads them exactly
    # (case and punctuation aside); a file is never read by a guess at a typo.
    wanted = words_key(raw)
    for option in question.options:
        if wanted in {words_key(n) for n in (option.id, option.label, *option.aliases)}:
            return option.id
    choices = ", ".join(o.label for o in question.options)
    raise FileProblem(
        path, Problem.BAD_OPTION, row=row.row, column=column, value=raw, detail=choices
    )


ORDERS = ("template", "unit")
"""How a file numbers the last two unsur: the national template of PermenPANRB 14/2017 has U8
Sarana dan Prasarana and U9 Penanganan Pengaduan; the unit's own report, as this bot, the other
way round."""


def in_unit_order(answers: tuple[Answer, ...], order: str) -> tuple[Answer, ...]:
    """A row's U1..U9 as this questionnaire numbers them."""
    if order not in ORDERS:
        raise ValueError(f"unknown column order {order!r}; expected one of {ORDERS}")
    if order == "template":
        return (*answers[:7], answers[8], answers[7])
    return answers


def iter_responses(
    path: Path,
    rows: Iterable[AnswerRow],
    content: Content,
    tz: ZoneInfo,
    default_day: date | None = None,
    batch: str | None = None,
    today: date | None = None,
    *,
    order: str,
) -> Iterator[SurveyResponse]:
    """Each row as a response, as the rows are read; a FileProblem for the first cell that
    is not valid, when the reading reaches it."""
    today = today or datetime.now(tz).date()
    services = _service_lookup(content.services)
    example_ids = ", ".join(s.id for s in content.services[:3]) or "-"
    for row in rows:
        local = _row_datetime(path, row, default_day, today)
        service_id = _row_service(path, row, services, example_ids)
        profile = _row_profile(path, row, content)
        suggestion = _row_suggestion(row)
        yield SurveyResponse(
            submitted_at=local.replace(tzinfo=tz),
            channel=IMPORT_CHANNEL,
            answers=in_unit_order(row.answers, order),
            service_id=service_id,
            profile=profile,
            suggestion=suggestion or None,
            import_batch=batch,
            questionnaire_version=content.survey.version,
        )


def _row_datetime(path: Path, row: AnswerRow, default_day: date | None, today: date) -> datetime:
    """When the row was answered (local, naive): its date cell, or the day given for all."""
    date_column = _first_present(DATE_COLUMNS, row)
    if date_column is not None and _text(row.fields[date_column]):
        typed = _text(row.fields[date_column])
        local = parse_local_datetime(row.fields[date_column])
        if local is None:
            raise FileProblem(path, Problem.BAD_DATE, row=row.row, column=date_column, value=typed)
        if not answer_day_in_range(local.date(), today):
            raise FileProblem(
                path,
                Problem.DATE_OUT_OF_RANGE,
                row=row.row,
                column=date_column,
                value=typed,
                detail=latest_answer_day(today).isoformat(),
            )
        return local
    if default_day is not None:
        return datetime.combine(default_day, _MIDDAY)
    if date_column is not None:
        raise FileProblem(path, Problem.BAD_DATE, row=row.row, column=date_column, value="")
    raise FileProblem(path, Problem.NO_DATE, row=row.row)


def _row_service(
    path: Path, row: AnswerRow, services: dict[str, str], example_ids: str
) -> str | None:
    service_column = _first_present(SERVICE_COLUMNS, row)
    name = _text(row.fields[service_column]) if service_column is not None else ""
    if not name:
        return None
    service_id = services.get(name.casefold())
    if service_id is None:
        raise FileProblem(
            path,
            Problem.UNKNOWN_SERVICE,
            row=row.row,
            column=service_column,
            value=name,
            detail=example_ids,
        )
    return service_id


def _row_profile(path: Path, row: AnswerRow, content: Content) -> dict[str, str | int]:
    profile: dict[str, str | int] = {}
    for question in content.survey.profile:
        column = _first_present((question.id, question.id.replace("_", " ")), row)
        if column is None:
            continue
        value = _profile_value(path, row, column, question)
        if value is not None:
            profile[question.id] = value
    return profile


def _row_suggestion(row: AnswerRow) -> str:
    suggestion_column = _first_present(SUGGESTION_COLUMNS, row)
    suggestion = _text(row.fields[suggestion_column]) if suggestion_column else ""
    suggestion = clean_text(suggestion).strip()
    if suggestion[:2] in FORMULA_GUARDS:
        # Exports put an apostrophe before text a spreadsheet would take as a formula.
        suggestion = suggestion[1:]
    return suggestion
