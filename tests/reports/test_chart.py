"""The summary chart: a PNG of the period's NRR per unsur and of the IKM over recent periods."""

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from PIL import Image

from skm_core.calendar.periods import (
    Period,
    PeriodKind,
    month_of,
    quarter_of,
    semester_of,
    week_of,
    year_of,
)
from skm_core.reports.chart import (
    axis_number,
    chart_figure,
    short_period_label,
    summary_chart_png,
)
from skm_core.reports.summary import HistoryPoint
from skm_core.storage.history import PublishedResult

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pixel_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


async def test_chart_is_a_png_of_1000_by_900_pixels(summary, content):
    png = summary_chart_png(summary, content)
    assert png.startswith(PNG_SIGNATURE)
    assert pixel_size(png) == (1000, 900)


async def test_a_period_without_responses_still_gets_a_chart(empty_summary, content):
    assert empty_summary.result is None
    png = summary_chart_png(empty_summary, content)
    assert png.startswith(PNG_SIGNATURE)
    assert pixel_size(png) == (1000, 900)


async def test_charts_drawn_in_parallel_threads_are_identical(summary, content):
    # No pyplot, so no shared figure state: concurrent drawing gives the same picture.
    alone = summary_chart_png(summary, content)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda _: summary_chart_png(summary, content), range(4)))
    assert all(png == alone for png in together)


def test_history_periods_get_short_labels(content):
    day = date(2026, 11, 18)
    assert short_period_label(month_of(day), content) == "Nov 2026"
    assert short_period_label(quarter_of(day), content) == "Tw IV 2026"
    assert short_period_label(semester_of(day), content) == "Smt II 2026"
    assert short_period_label(year_of(day), content) == "2026"
    assert short_period_label(week_of(day), content) == "16 Nov"
    ranged = Period(PeriodKind.RANGE, date(2026, 11, 3), date(2026, 12, 2))
    assert short_period_label(ranged, content) == "3/11–2/12"


def test_axis_numbers_use_the_decimal_comma():
    assert [axis_number(v) for v in (3.5, 1.0, 100.0, 87.25)] == ["3,5", "1", "100", "87,25"]


async def test_chart_axes_read_in_indonesian(summary, content):
    figure = chart_figure(summary, content)
    figure.canvas.draw()
    nrr_axes, history_axes = figure.axes[:2]
    nrr_ticks = [label.get_text() for label in nrr_axes.get_yticklabels()]
    assert "3,5" in nrr_ticks
    assert not any("." in text for text in nrr_ticks)
    assert "100" in [label.get_text() for label in history_axes.get_yticklabels()]


async def test_a_published_result_in_the_trend_is_marked_as_such(summary, content):
    earlier = HistoryPoint(
        year_of(date(2023, 1, 1)),
        150,
        Fraction("97.72"),
        PublishedResult(1, date(2023, 7, 1), date(2023, 11, 20), 150, {}, Decimal("97.72"), "x"),
    )
    with_published = replace(summary, history=[earlier, *summary.history[1:]])
    figure = chart_figure(with_published, content)
    history_axes = figure.axes[1]
    legend = history_axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == [content.report.chart.published]
    assert chart_figure(summary, content).axes[1].get_legend() is None
