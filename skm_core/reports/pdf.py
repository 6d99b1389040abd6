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
    Approval,
    Block,
    Cover,
    Document,
    Heading,
    Paragraph,
    Picture,
    Section,
    Table,
    report_document,
)
from skm_core.reports.summary import Summary

FONT = "DejaVu"
MARGIN_MM = 18
BODY_SIZE = 10
TABLE_SIZE = 8.5
HEADING_SIZE = 12
LINE_MM = 5
TABLE_LINE_MM = 4.2
KOP_LOGO_MM = 24
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


def _centred(pdf: FPDF, text: str, size: float, bold: bool = False, height: float = 6) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _kop(pdf: FPDF, cover: Cover) -> None:
    """The letterhead: logo at the left, the lines centred, a double rule under them."""
    top = pdf.get_y()
    if cover.logo is not None:
        pdf.image(io.BytesIO(cover.logo), x=MARGIN_MM, y=top, h=KOP_LOGO_MM)
    for index, line in enumerate(cover.kop):
        size = 14 if index < 2 else 9
        _centred(pdf, line, size, bold=index < 2, height=6.5 if index < 2 else 4.5)
    bottom = max(pdf.get_y(), top + (KOP_LOGO_MM if cover.logo is not None else 0)) + 2
    pdf.set_line_width(0.8)
    pdf.line(MARGIN_MM, bottom, pdf.w - MARGIN_MM, bottom)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN_MM, bottom + 1.2, pdf.w - MARGIN_MM, bottom + 1.2)
    pdf.set_y(bottom + 4)


def _cover(pdf: FPDF, cover: Cover) -> None:
    """Kop, title, unit and period; the year at the foot of the page, as covers have it."""
    _kop(pdf, cover)
    pdf.ln(60)
    _centred(pdf, cover.title, 18, bold=True, height=9)
    pdf.ln(8)
    *lines, year = cover.lines
    for line in lines:
        _centred(pdf, line, 13, height=7)
    pdf.set_y(pdf.h - MARGIN_MM - 30)
    _centred(pdf, year, 13, bold=True, height=7)


def _approval(pdf: FPDF, approval: Approval) -> None:
    pdf.add_page()
    pdf.ln(10)
    _centred(pdf, approval.title, 14, bold=True, height=8)
    pdf.ln(10)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, approval.text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    # The signature block sits in the right half, as on the unit's own letters.
    x = pdf.w / 2
    for text, bold, after in (
        (approval.place_date, False, 0),
        (approval.position, True, 28),
        (approval.name, True, 0),
        (approval.rank, False, 0),
        (approval.nip, False, 0),
    ):
        pdf.set_x(x)
        pdf.set_font(FONT, "B" if bold else "", 11)
        pdf.multi_cell(pdf.w - MARGIN_MM - x, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR), without decoding the image."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _picture_height(block: Picture) -> float:
    width, height = _png_size(block.png)
    return PICTURE_WIDTH_MM * height / width


def _chapter_heading(pdf: FPDF, text: str) -> None:
    pdf.add_page()
    _centred(pdf, text, HEADING_SIZE + 1, bold=True, height=8)
    pdf.ln(4)


def _sub_heading(pdf: FPDF, block: Heading) -> None:
    if pdf.will_page_break(HEADING_KEEP_MM):
        pdf.add_page()
    pdf.ln(1)
    pdf.set_font(FONT, "B", BODY_SIZE + 1)
    pdf.multi_cell(0, 6, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
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
    if pdf.will_page_break(_picture_height(block) + 2 * LINE_MM):
        pdf.add_page()
    x = (pdf.w - PICTURE_WIDTH_MM) / 2
    pdf.image(io.BytesIO(block.png), x=x, w=PICTURE_WIDTH_MM, h=_picture_height(block))
    pdf.ln(1)
    _caption(pdf, block.caption, align="C")


def _block(pdf: FPDF, block: Block) -> None:
    if isinstance(block, Heading):
        _sub_heading(pdf, block)
    elif isinstance(block, Paragraph):
        _paragraph(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    else:
        _picture(pdf, block)


def _section(pdf: FPDF, section: Section) -> None:
    _chapter_heading(pdf, section.heading)
    for block in section.blocks:
        _block(pdf, block)


def render_pdf(document: Document, author: str, created: datetime) -> bytes:
    pdf = _ReportPdf(document.footer)
    pdf.set_title(document.title)
    pdf.set_author(author)
    # The summary's own moment, so the same summary always gives the same file.
    pdf.set_creation_date(created)
    pdf.add_page()
    _cover(pdf, document.cover)
    _approval(pdf, document.approval)
    for section in document.sections:
        _section(pdf, section)
    return bytes(pdf.output())


def summary_pdf(summary: Summary, content: Content, chart_png: bytes | None) -> bytes:
    """The period's report as PDF bytes; the chart is included when given."""
    document = report_document(summary, content, chart_png)
    return render_pdf(document, summary.unit_name, summary.generated_at)
