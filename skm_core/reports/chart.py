"""The summary chart: NRR per unsur against the grade floors, and the IKM over recent periods.

Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas, never pyplot, so that
charts drawn in several threads at once share no global state.
"""

import io
import math
from fractions import Fraction

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from skm_core.calendar.dates import period_label, roman
from skm_core.calendar.periods import Period, PeriodKind
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import GRADE_FLOORS, MAX_SCORE, MIN_SCORE, SCALE, Grade, IkmResult
from skm_core.reports.common import number_text
from skm_core.reports.summary import HistoryPoint, Summary

WIDTH_INCHES = 10.0
HEIGHT_INCHES = 9.0
DPI = 100
IKM_MIN = 25
IKM_MAX = 100

GRADE_COLOURS = {
    Grade.A: "#2e7d32",
    Grade.B: "#1565c0",
    Grade.C: "#ef6c00",
    Grade.D: "#c62828",
}
FLOOR_COLOUR = "#616161"
LINE_COLOUR = "#37474f"
NO_DATA_COLOUR = "#757575"


def short_period_label(period: Period, content: Content) -> str:
    """A period in a few characters, to fit under a point of the history line."""
    words = content.report.chart
    first = period.first
    month = words.months_short[first.month - 1]
    if period.kind is PeriodKind.MONTH:
        return words.short_month.format(month=month, year=first.year)
    if period.kind is PeriodKind.QUARTER:
        return words.short_quarter.format(number=roman((first.month - 1) // 3 + 1), year=first.year)
    if period.kind is PeriodKind.SEMESTER:
        number = roman(1 if first.month <= 6 else 2)
        return words.short_semester.format(number=number, year=first.year)
    if period.kind is PeriodKind.YEAR:
        return words.short_year.format(year=first.year)
    if period.kind is PeriodKind.WEEK:
        return words.short_week.format(day=first.day, month=month, year=first.year)
    last = period.last
    return words.short_range.format(
        first=f"{first.day}/{first.month}", last=f"{last.day}/{last.month}"
    )


def axis_number(value: float) -> str:
    """A tick value as the unit writes numbers: '3,5', '100', never '3.5'."""
    text = f"{round(value, 4):g}"
    return text.replace("-", "−").replace(".", ",")


def _indonesian_ticks(axes: Axes) -> None:
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: axis_number(value)))


def _draw_floors(axes: Axes, scale: Fraction, content: Content) -> None:
    """The lower bound of grades A, B and C as dashed lines, named at the right edge."""
    for floor, grade in GRADE_FLOORS:
        level = float(Fraction(floor) / scale)
        # Over the bars, so a reader sees at a glance which side of a floor each unsur is on.
        axes.axhline(level, color=FLOOR_COLOUR, linestyle="--", linewidth=1, zorder=3)
        axes.annotate(
            content.report.chart.floor_label.format(grade=grade.value),
            xy=(1, level),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9,
            color=FLOOR_COLOUR,
        )


def _no_data(axes: Axes, text: str) -> None:
    axes.text(
        0.5,
        0.5,
        text,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=13,
        color=NO_DATA_COLOUR,
        wrap=True,
        zorder=4,
        bbox={"facecolor": "white", "edgecolor": "#bdbdbd", "boxstyle": "round,pad=0.6"},
    )


def _grade_legend(axes: Axes, content: Content) -> None:
    handles = [
        Patch(
            color=GRADE_COLOURS[grade],
            label=content.report.chart.legend_item.format(
                grade=grade.value, label=content.texts.performance[grade.value]
            ),
        )
        for grade in Grade
    ]
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.2),
        ncol=len(handles),
        frameon=False,
        fontsize=9,
    )


def _nrr_bars(axes: Axes, result: IkmResult) -> None:
    values = [float(result.nrr[code]) for code in UNSUR_CODES]
    colours = [GRADE_COLOURS[result.unsur_grade(code)] for code in UNSUR_CODES]
    axes.bar(range(len(UNSUR_CODES)), values, color=colours, width=0.65, zorder=2)
    # The values go under the codes: on the bars they would cross the floor lines, and above
    # them they would leave the axis, which ends at 4 where the best values end too.
    labels = [f"{code}\n{number_text(result.nrr[code], 2)}" for code in UNSUR_CODES]
    axes.set_xticks(range(len(UNSUR_CODES)), labels)


def _draw_nrr_panel(axes: Axes, summary: Summary, content: Content) -> None:
    words = content.report.chart
    axes.set_title(words.nrr_title, fontsize=12)
    axes.set_ylim(MIN_SCORE, MAX_SCORE)
    axes.set_xlim(-0.6, len(UNSUR_CODES) - 0.4)
    axes.set_xticks(range(len(UNSUR_CODES)), list(UNSUR_CODES))
    axes.set_ylabel(words.nrr_axis)
    _indonesian_ticks(axes)
    axes.set_xlabel(words.unsur_axis)
    axes.grid(axis="y", color="#e0e0e0", zorder=0)
    _draw_floors(axes, Fraction(SCALE), content)
    if summary.result is None:
        _no_data(axes, words.no_data)
        return
    _nrr_bars(axes, summary.result)
    _grade_legend(axes, content)


def _history_values(history: list[HistoryPoint]) -> list[float]:
    # NaN breaks the line, so a period without an IKM shows as a gap rather than a fake value.
    return [float(p.ikm) if p.ikm is not None else math.nan for p in history]


def _label_points(axes: Axes, history: list[HistoryPoint]) -> None:
    for x, point in enumerate(history):
        if point.ikm is None:
            continue
        # Near the top of the axis the label goes below the point, where there is room.
        above = point.ikm < IKM_MAX - 6
        axes.annotate(
            number_text(point.ikm, 2),
            xy=(x, float(point.ikm)),
            xytext=(0, 8 if above else -10),
            textcoords="offset points",
            ha="center",
            va="bottom" if above else "top",
            fontsize=9,
        )


def _draw_history_panel(axes: Axes, summary: Summary, content: Content) -> None:
    words = content.report.chart
    history = summary.history
    axes.set_title(words.ikm_title, fontsize=12)
    axes.set_ylim(IKM_MIN, IKM_MAX)
    axes.set_ylabel(words.ikm_axis)
    _indonesian_ticks(axes)
    axes.set_xlabel(words.period_axis)
    axes.grid(axis="y", color="#e0e0e0", zorder=0)
    axes.set_xlim(-0.5, max(len(history), 1) - 0.5)
    axes.set_xticks(range(len(history)), [short_period_label(p.period, content) for p in history])
    _draw_floors(axes, Fraction(1), content)
    if all(p.ikm is None for p in history):
        _no_data(axes, words.no_history)
        return
    axes.plot(
        range(len(history)),
        _history_values(history),
        color=LINE_COLOUR,
        marker="o",
        markersize=7,
        linewidth=2,
        zorder=3,
    )
    published = [x for x, point in enumerate(history) if point.published is not None]
    if published:
        # A recorded published result, not the bot's own answers: drawn hollow, and said so.
        axes.plot(
            published,
            [float(history[x].ikm or 0) for x in published],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=LINE_COLOUR,
            markeredgewidth=2,
            zorder=4,
            label=words.published,
        )
        axes.legend(loc="lower left", fontsize=9, frameon=False)
    _label_points(axes, history)


def chart_figure(summary: Summary, content: Content) -> Figure:
    """The two panels (NRR per unsur, IKM over time) on one figure, not yet saved."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(
        content.report.chart.title.format(
            unit=summary.unit_name, period=period_label(summary.period, content.texts)
        ),
        fontsize=14,
        fontweight="bold",
    )
    nrr_axes, history_axes = figure.subplots(2, 1)
    _draw_nrr_panel(nrr_axes, summary, content)
    _draw_history_panel(history_axes, summary, content)
    return figure


def summary_chart_png(summary: Summary, content: Content) -> bytes:
    """The two-panel chart of a period as PNG bytes, 1000 x 900 pixels."""
    buffer = io.BytesIO()
    chart_figure(summary, content).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
