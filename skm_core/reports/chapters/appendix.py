"""The Lampiran: the questionnaire, every suggestion, the IKM computation table."""

from skm_core.calendar.dates import date_text
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import SCALE, IkmResult
from skm_core.ikm.report import id_number
from skm_core.reports.blocks import Block, Heading, Paragraph, Section, Table
from skm_core.reports.common import count_text, no_result_text, number_text, unsur_name
from skm_core.reports.summary import Summary


def _questionnaire(content: Content) -> list[Block]:
    words = content.report.document
    survey = content.survey
    blocks: list[Block] = [
        Heading(words.questionnaire_title),
        Paragraph(
            words.questionnaire_profile.format(
                questions=", ".join(question.label for question in survey.profile)
            )
        ),
    ]
    for unsur in survey.unsur:
        answers = "; ".join(
            words.answer_item.format(score=score, label=label)
            for score, label in enumerate(unsur.answers, start=1)
        )
        blocks.append(
            Paragraph(
                words.questionnaire_item.format(code=unsur.code, question=unsur.question)
                + " "
                + words.questionnaire_answers.format(answers=answers)
            )
        )
    return blocks


def _all_suggestions(summary: Summary, content: Content) -> list[Block]:
    texts = content.report
    words = texts.document
    if not summary.suggestions:
        return [Heading(words.all_suggestions_title), Paragraph(words.suggestions_none)]
    rows = tuple(
        (
            str(number),
            date_text(s.submitted_at.astimezone(summary.timezone).date(), content.texts),
            s.service_name,
            s.text,
        )
        for number, s in enumerate(summary.suggestions, start=1)
    )
    table = Table(
        caption=words.all_suggestions_title.split(" ", 2)[-1],
        headings=(
            texts.columns.number,
            texts.columns.date,
            texts.columns.service,
            texts.columns.suggestion,
        ),
        rows=rows,
        widths=(0.8, 2.9, 2.6, 6.3),
        align=("C", "L", "L", "L"),
    )
    return [Heading(words.all_suggestions_title), Paragraph(texts.pdf.suggestions_intro), table]


def _computation_table(summary: Summary, result: IkmResult, content: Content) -> Table:
    columns = content.report.columns
    tally = summary.tally
    rows = [
        (
            code,
            unsur_name(code, content),
            count_text(tally.sums[index]),
            count_text(tally.counts[index]),
            number_text(result.nrr[code], 3),
            number_text(result.nrr[code] / len(UNSUR_CODES), 3),
        )
        for index, code in enumerate(UNSUR_CODES)
    ]
    weighted = result.ikm / SCALE
    rows.append(("", content.report.xlsx.total_weighted, "", "", "", number_text(weighted, 3)))
    rows.append(("", content.report.xlsx.ikm, "", "", "", id_number(result.ikm_shown)))
    return Table(
        caption=content.report.xlsx.ikm_title,
        headings=(
            columns.number,
            columns.unsur,
            columns.answer_sum,
            columns.answer_count,
            columns.nrr,
            columns.nrr_weighted,
        ),
        rows=tuple(rows),
        widths=(0.9, 4.2, 1.6, 2.2, 1.3, 2.2),
        align=("C", "L", "R", "R", "R", "R"),
    )


def _computation(summary: Summary, content: Content) -> list[Block]:
    words = content.report.document
    result = summary.result
    if result is None:
        return [
            Heading(words.computation_appendix_title),
            Paragraph(no_result_text(summary, content.report)),
        ]
    return [
        Heading(words.computation_appendix_title),
        _computation_table(summary, result, content),
        Paragraph(words.computation_note),
    ]


def appendix(summary: Summary, content: Content) -> Section:
    return Section(
        content.report.document.appendix,
        (
            *_questionnaire(content),
            *_all_suggestions(summary, content),
            *_computation(summary, content),
        ),
    )
