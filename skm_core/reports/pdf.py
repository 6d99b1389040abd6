"""The period's report as an A4 PDF, laid out with fpdf2.

fpdf2's built-in fonts only cover Latin-1, and the report needs "–", "≥", "×" and curly quotes;
DejaVu Sans is taken from matplotlib's own data folder, so no font file is shipped.
"""

import io
from datetime import datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, VAlign

from skm_core.content.loader import Content
from skm_core.reports.document import (
    Block,
    Document,
    Paragraph,
    Picture,
    Section,
    Table,
    report_document,
)
from skm_core.summary import Summary

FONT = "DejaVu"
MARGIN_MM = 18
BODY_SIZE = 10
TABLE_SIZE = 8.5
HEADING_SIZE = 12
LINE_MM = 5
TABLE_LINE_MM = 4.2
HEADING_KEEP_MM = 45
"""A heading needs this much room below it, or it starts the next page with its content."""
HEADINGS_FILL = (221, 230, 240)
STRIPE_FILL = (246, 248, 250)
PICTURE_WIDTH_MM = 165


def _font_path(name: str) -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


class _ReportPdf(FPDF):
    """A4 portrait with the page number ("Halaman 2 dari 5") in every footer."""

    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer
        self.add_font(FONT, "", _font_path("DejaVuSans.ttf"))
        self.add_font(FONT, "B", _font_path("DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        # fpdf2 replaces its alias with the page count once the last page exists.
        text = self._footer.format(page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(0, 5, text, align="C")


def _title(pdf: FPDF, document: Document) -> None:
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, document.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 11)
    for line in document.lines:
        pdf.multi_cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR), without decoding the image."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _picture_height(block: Picture) -> float:
    width, height = _png_size(block.png)
    return PICTURE_WIDTH_MM * height / width


def _keep_with_heading(section: Section) -> float:
    """Room the heading needs below it, so that it never ends a page without its content."""
    first = section.blocks[0] if section.blocks else None
    if isinstance(first, Picture):
        return _picture_height(first) + 2 * LINE_MM
    return HEADING_KEEP_MM


def _heading(pdf: FPDF, text: str, keep: float) -> None:
    if pdf.will_page_break(keep):
        pdf.add_page()
    pdf.set_font(FONT, "B", HEADING_SIZE)
    pdf.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    pdf.set_font(FONT, "B" if block.strong else "", BODY_SIZE)
    pdf.multi_cell(0, LINE_MM, block.text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _caption(pdf: FPDF, text: str, align: str = "L") -> None:
    pdf.set_font(FONT, "B", BODY_SIZE - 0.5)
    pdf.multi_cell(0, LINE_MM, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _spans(rows: tuple[tuple[str, ...], ...], column: int) -> list[int]:
    """How many rows each cell of a grouped column covers; 0 where an earlier cell covers it."""
    spans = [0] * len(rows)
    start = 0
    for index in range(1, len(rows) + 1):
        ended = index == len(rows) or rows[index][: column + 1] != rows[start][: column + 1]
        if ended:
            spans[start] = index - start
            start = index
    return spans


def _table(pdf: FPDF, block: Table) -> None:
    if pdf.will_page_break(TABLE_LINE_MM * 6):
        pdf.add_page()
    _caption(pdf, block.caption)
    pdf.set_font(FONT, "", TABLE_SIZE)
    spans = [_spans(block.rows, column) for column in range(block.grouped)]
    with pdf.table(
        col_widths=block.widths,
        text_align=block.align,
        line_height=TABLE_LINE_MM,
        padding=(1, 1.2),
        v_align=VAlign.T,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADINGS_FILL),
        cell_fill_mode=TableCellFillMode.ROWS,
        cell_fill_color=STRIPE_FILL,
        width=pdf.epw,
    ) as table:
        heading = table.row()
        for text in block.headings:
            heading.cell(text, align="C", v_align=VAlign.M)
        for index, values in enumerate(block.rows):
            row = table.row()
            for column, value in enumerate(values):
                if column < block.grouped:
                    span = spans[column][index]
                    if span:
                        row.cell(value, rowspan=span)
                else:
                    row.cell(value)
    pdf.ln(3)


def _picture(pdf: FPDF, block: Picture) -> None:
    x = (pdf.w - PICTURE_WIDTH_MM) / 2
    pdf.image(io.BytesIO(block.png), x=x, w=PICTURE_WIDTH_MM, h=_picture_height(block))
    pdf.ln(1)
    _caption(pdf, block.caption, align="C")


def _block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Paragraph):
        _paragraph(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    else:
        _picture(pdf, block)


def _section(pdf: FPDF, section: Section) -> None:
    _heading(pdf, section.heading, _keep_with_heading(section))
    for block in section.blocks:
        _block(pdf, block)
    pdf.ln(2)


def render_pdf(document: Document, author: str, created: datetime) -> bytes:
    pdf = _ReportPdf(document.footer)
    pdf.set_title(document.title)
    pdf.set_author(author)
    # The summary's own moment, so the same summary always gives the same file.
    pdf.set_creation_date(created)
    pdf.add_page()
    _title(pdf, document)
    for section in document.sections:
        _section(pdf, section)
    return bytes(pdf.output())


def summary_pdf(summary: Summary, content: Content, chart_png: bytes | None) -> bytes:
    """The period's report as PDF bytes; the chart is included when given."""
    document = report_document(summary, content, chart_png)
    return render_pdf(document, summary.unit_name, summary.generated_at)
