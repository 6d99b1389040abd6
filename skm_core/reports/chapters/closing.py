"""Bab V Kesimpulan dan Rencana Tindak Lanjut: conclusion, RTL (the unit's Tabel 2), the
previous RTL's realisation and the plans carried forward.
"""

from datetime import date

from skm_core.calendar.dates import period_label
from skm_core.content.loader import Content
from skm_core.ikm.report import id_number
from skm_core.reports.blocks import Block, Heading, Paragraph, Section, Table, as_table
from skm_core.reports.common import count_text, performance_label, unsur_name
from skm_core.reports.summary import Summary
from skm_core.reports.tables import period_plans, plans_table, realisation_table
from skm_core.storage.followup import FollowUpPlan


def _conclusion(summary: Summary, content: Content) -> Paragraph:
    words = content.report.document
    result = summary.result
    if result is None:
        return Paragraph(words.conclusion_no_result)
    lowest = ", ".join(f"{code} {unsur_name(code, content)}" for code in result.lowest())
    return Paragraph(
        words.conclusion.format(
            unit=summary.unit_name,
            period=period_label(summary.period, content.texts),
            respondents=count_text(summary.respondents),
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=performance_label(result.grade, content),
            lowest=lowest,
        )
    )


def _carried_table(plans: list[FollowUpPlan], content: Content) -> Table:
    """The unit's "Rencana Lanjutan": how each unfinished plan will now be completed."""
    texts = content.report
    columns = texts.columns
    rows = tuple(
        (
            str(number),
            f"{plan.unsur} {plan.activity}",
            plan.strategy or texts.not_available,
            plan.next_target or plan.target,
            plan.responsible,
            plan.stakeholder or texts.not_available,
        )
        for number, plan in enumerate(plans, start=1)
    )
    return Table(
        caption=texts.document.carried_title.split(" ", 1)[-1],
        headings=(
            columns.number,
            columns.plan,
            columns.strategy,
            columns.next_target,
            columns.responsible,
            columns.stakeholder,
        ),
        rows=rows,
        widths=(0.8, 3, 3, 2.2, 2.2, 2.2),
        align=("C", "L", "L", "L", "L", "L"),
    )


def _open_plans_line(summary: Summary, content: Content) -> Paragraph:
    words = content.report.document
    open_count = len(summary.open_plans)
    overdue = len(summary.overdue_plans(_local_today(summary)))
    if open_count == 0:
        return Paragraph(words.plans_none_open)
    if overdue == 0:
        return Paragraph(words.plans_open.format(open=count_text(open_count)))
    return Paragraph(
        words.plans_overdue.format(open=count_text(open_count), overdue=count_text(overdue))
    )


def _local_today(summary: Summary) -> date:
    return summary.generated_at.astimezone(summary.timezone).date()


def _plans_blocks(summary: Summary, content: Content) -> list[Block]:
    words = content.report.document
    previous = period_label(summary.period.previous(), content.texts)
    blocks: list[Block] = [Heading(words.rtl_title)]
    if summary.plans_of_period:
        blocks += [
            Paragraph(words.rtl_intro),
            as_table(plans_table(summary, content), content),
            as_table(realisation_table(period_plans(summary), content), content),
        ]
    else:
        blocks.append(Paragraph(content.report.no_plans))
    blocks.append(Heading(words.realisation_title))
    if summary.previous_plans:
        blocks += [
            Paragraph(words.realisation_intro.format(previous=previous)),
            as_table(realisation_table(summary.previous_plans, content), content),
        ]
    else:
        blocks.append(Paragraph(words.realisation_none.format(previous=previous)))
    blocks.append(Heading(words.carried_title))
    carried = summary.carried_plans
    if carried:
        blocks += [Paragraph(words.carried_intro), _carried_table(carried, content)]
    else:
        blocks.append(Paragraph(words.carried_none))
    blocks.append(_open_plans_line(summary, content))
    return blocks


def closing(summary: Summary, content: Content) -> Section:
    words = content.report.document
    return Section(
        words.chapter_5,
        (
            Heading(words.conclusion_title),
            _conclusion(summary, content),
            *_plans_blocks(summary, content),
        ),
    )
