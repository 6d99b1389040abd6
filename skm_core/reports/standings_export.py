"""The kabupaten's side-by-side as files: an XLSX workbook (numbers as numbers) and a CSV for
Excel in an Indonesian locale (the same delimiter and formula guard as the answers' CSV)."""

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell as OpenpyxlCell
from openpyxl.cell import WriteOnlyCell

from skm_core.calendar.dates import period_label
from skm_core.content.loader import Content
from skm_core.reports.csv_export import DELIMITER, safe_text
from skm_core.reports.standings import Standing, Standings, lowest_text, sample_text
from skm_core.reports.xlsx import cell_value

COLUMNS = (
    "rank",
    "unit",
    "respondents",
    "ikm",
    "grade",
    "lowest",
    "population",
    "min_sample",
    "sample",
    "overdue",
)

Cell = str | int | float | None


def _row(standing: Standing, content: Content) -> list[Cell]:
    result = standing.result
    return [
        standing.rank,
        standing.name,
        standing.respondents,
        float(result.ikm_shown) if result is not None else None,
        result.grade.value if result is not None and standing.graded else None,
        lowest_text(standing, content) if result is not None else None,
        standing.population.served if standing.population is not None else None,
        standing.min_sample,
        sample_text(standing, content),
        standing.overdue,
    ]


def _header(content: Content) -> list[str]:
    words = content.texts.kabupaten.columns
    return [words[name] for name in COLUMNS]


def standings_csv(standings: Standings, content: Content) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(_header(content))
    for standing in standings.units:
        row = _row(standing, content)
        writer.writerow(
            [
                safe_text(v)
                if isinstance(v, str)
                else ("" if v is None else str(v).replace(".", ","))
                for v in row
            ]
        )
    # A byte order mark, so Excel reads the names of the units as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def standings_xlsx(standings: Standings, content: Content) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(content.texts.kabupaten.export_kinds["xlsx"][:31])
    label = period_label(standings.period, content.texts)

    def row(values: Sequence[Cell]) -> list[OpenpyxlCell]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, cell_value(value))
            if isinstance(value, str):
                # A unit's name that starts with "=" stays text, never a formula.
                cell.data_type = "s"
            cells.append(cell)
        return cells

    sheet.append(row([f"{standings.region} — {label}"]))
    sheet.append([])
    sheet.append(row(_header(content)))
    for standing in standings.units:
        sheet.append(row(_row(standing, content)))
    workbook.properties.title = content.report.title
    workbook.properties.creator = standings.region
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
