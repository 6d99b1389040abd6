"""Bab I Pendahuluan: background, legal basis, purpose."""

from skm_core.content.loader import Content
from skm_core.reports.blocks import Heading, Paragraph, Section
from skm_core.reports.summary import Summary


def introduction(summary: Summary, content: Content) -> Section:
    words = content.report.document
    legal = [
        f"{number}. "
        + item.format(
            regulation=content.survey.regulation,
            service_standard_decree=content.unit.service_standard_decree,
        )
        for number, item in enumerate(words.legal_basis, start=1)
    ]
    return Section(
        words.chapter_1,
        (
            Heading(words.background_title),
            Paragraph(words.background.format(unit=summary.unit_name)),
            Heading(words.legal_title),
            *(Paragraph(item) for item in legal),
            Heading(words.purpose_title),
            Paragraph(words.purpose.format(unit=summary.unit_name)),
        ),
    )
