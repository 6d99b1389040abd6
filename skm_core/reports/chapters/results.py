"""Bab III Hasil: respondent profile, NRR per unsur, IKM and mutu, per service."""

from skm_core.content.loader import Content
from skm_core.ikm.compute import IkmResult
from skm_core.ikm.report import id_number
from skm_core.reports.blocks import Block, Heading, Paragraph, Section, as_table
from skm_core.reports.common import count_text, no_result_text, performance_label
from skm_core.reports.summary import Summary
from skm_core.reports.tables import profile_table, service_nrr_table, services_table, unsur_table


def _ikm_line(result: IkmResult, content: Content) -> Paragraph:
    return Paragraph(
        content.report.pdf.ikm_line.format(
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=performance_label(result.grade, content),
        ),
        strong=True,
    )


def _services_blocks(summary: Summary, content: Content) -> list[Block]:
    texts = content.report
    if not summary.services:
        return [Paragraph(texts.pdf.no_services)]
    blocks: list[Block] = [
        as_table(services_table(summary, content), content),
        as_table(service_nrr_table(summary, content), content),
    ]
    if any(summary.is_small(line.respondents) for line in summary.services):
        blocks.append(Paragraph(texts.small_sample_note.format(minimum=summary.small_sample)))
    if any(line.ikm is None for line in summary.services):
        blocks.append(Paragraph(texts.service_ikm_missing))
    return blocks


def results(summary: Summary, content: Content) -> Section:
    words = content.report.document
    pdf = content.report.pdf
    blocks: list[Block] = [
        Heading(words.profile_title),
        Paragraph(pdf.respondents_line.format(count=count_text(summary.respondents))),
    ]
    profile = profile_table(summary, content)
    if profile is None:
        blocks.append(Paragraph(content.report.no_responses))
    else:
        blocks.append(as_table(profile, content))
    blocks.append(Heading(words.results_title))
    result = summary.result
    if result is None:
        blocks.append(Paragraph(no_result_text(summary, content.report)))
    else:
        blocks += [as_table(unsur_table(result, summary, content), content)]
        blocks.append(_ikm_line(result, content))
    blocks.append(Heading(words.services_title))
    blocks += _services_blocks(summary, content)
    return Section(words.chapter_3, tuple(blocks))
