"""The printed report as a document: cover, lembar pengesahan, Bab I–V and Lampiran.

Everything a reader sees is decided here, in plain strings from the templates of
content/report.yaml; `pdf.py` only lays it out. That keeps the wording testable without reading a
PDF back. The report follows the structure agencies use under PermenPANRB 14/2017 and the unit's
own report (its Tabel 2 of follow-up plans and Tabel 3 of their realisation).
"""

from dataclasses import replace

from skm_core.content.loader import Content
from skm_core.reports.blocks import (
    Align,
    Approval,
    Block,
    Cover,
    Document,
    Heading,
    Paragraph,
    Picture,
    Section,
    Table,
    as_table,
)
from skm_core.reports.chapters.analysis import analysis, duration_text, suggestion_theme
from skm_core.reports.chapters.appendix import appendix
from skm_core.reports.chapters.closing import closing
from skm_core.reports.chapters.front import approval, cover
from skm_core.reports.chapters.introduction import introduction
from skm_core.reports.chapters.method import method
from skm_core.reports.chapters.results import results
from skm_core.reports.summary import Summary

__all__ = [
    "Align",
    "Approval",
    "Block",
    "Cover",
    "Document",
    "Heading",
    "Paragraph",
    "Picture",
    "Section",
    "Table",
    "as_table",
    "duration_text",
    "report_document",
    "suggestion_theme",
]


def _numbered(sections: list[Section], content: Content) -> tuple[Section, ...]:
    """Tables and pictures numbered through the document (Tabel 1., Gambar 1.)."""
    words = content.report.pdf
    tables = pictures = 0
    result = []
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Table):
                tables += 1
                caption = words.table_caption.format(number=tables, title=block.caption)
                blocks.append(replace(block, caption=caption))
            elif isinstance(block, Picture):
                pictures += 1
                caption = words.figure_caption.format(number=pictures, title=block.caption)
                blocks.append(replace(block, caption=caption))
            else:
                blocks.append(block)
        result.append(Section(section.heading, tuple(blocks)))
    return tuple(result)


def report_document(summary: Summary, content: Content, chart_png: bytes | None) -> Document:
    """The period's SKM report as the unit files and publishes it."""
    sections = [
        introduction(summary, content),
        method(summary, content),
        results(summary, content),
        analysis(summary, content, chart_png),
        closing(summary, content),
        appendix(summary, content),
    ]
    return Document(
        title=content.report.title,
        cover=cover(summary, content),
        approval=approval(summary, content),
        sections=_numbered(sections, content),
        footer=content.report.pdf.page,
    )
