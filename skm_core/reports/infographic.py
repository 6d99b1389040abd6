"""The period's results as units publish them: on the notice board (A4) and social media (square).

One layout, drawn with matplotlib's object API (no pyplot state) on two page sizes: the IKM and
its mutu, respondents and period, the NRR of every unsur, and the three lowest unsur with what
the follow-up plan does about them.
"""

import io
import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter

from skm_core.calendar.dates import period_label
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import IkmResult
from skm_core.ikm.report import id_number
from skm_core.reports.chart import GRADE_COLOURS, axis_number
from skm_core.reports.common import count_text, number_text, unsur_name
from skm_core.reports.summary import Summary

A4_INCHES = (8.27, 11.69)
SQUARE_INCHES = (10.8, 10.8)
SQUARE_DPI = 100
"""1080 x 1080 pixels, the size social media show without cropping."""
INK = "#263238"
MUTED = "#607d8b"
BAND = "#0d47a1"


def _text(
    figure: Figure, y: float, text: str, size: float, colour: str = INK, bold: bool = False
) -> None:
    weight = "bold" if bold else "normal"
    figure.text(
        0.5, y, text, ha="center", va="center", fontsize=size, color=colour, fontweight=weight
    )


def _header(figure: Figure, summary: Summary, content: Content, top: float) -> None:
    words = content.report.infographic
    figure.patches.append(_band(figure, top - 0.035, 0.07))
    figure.text(
        0.5, top, words.title, ha="center", va="center", fontsize=20, color="white",
        fontweight="bold",
    )  # fmt: skip
    period = period_label(summary.period, content.texts)
    _text(figure, top - 0.065, words.subtitle.format(unit=summary.unit_name, period=period), 13)


def _band(figure: Figure, bottom: float, height: float) -> Rectangle:
    return Rectangle((0, bottom), 1, height, transform=figure.transFigure, color=BAND, zorder=0)


def _score(figure: Figure, summary: Summary, content: Content, y: float) -> None:
    words = content.report.infographic
    result = summary.result
    if result is None:
        _text(figure, y, words.no_result, 16, MUTED)
        return
    colour = GRADE_COLOURS[result.grade]
    _text(figure, y + 0.055, words.ikm_label, 13, MUTED)
    figure.text(
        0.5, y, id_number(result.ikm_shown), ha="center", va="center", fontsize=54,
        fontweight="bold", color=colour,
    )  # fmt: skip
    grade = words.grade.format(
        grade=result.grade.value, label=content.texts.performance[result.grade.value]
    )
    _text(figure, y - 0.06, grade, 16, colour, bold=True)
    respondents = words.respondents.format(count=count_text(summary.respondents))
    _text(figure, y - 0.095, respondents, 12, MUTED)


def _bars(axes: Axes, result: IkmResult, content: Content) -> None:
    codes = list(UNSUR_CODES)[::-1]
    values = [float(result.nrr[code]) for code in codes]
    colours = [GRADE_COLOURS[result.unsur_grade(code)] for code in codes]
    axes.barh(range(len(codes)), values, color=colours, height=0.65)
    labels = [f"{code} {unsur_name(code, content)}" for code in codes]
    axes.set_yticks(range(len(codes)), [textwrap.shorten(t, 34, placeholder="…") for t in labels])
    axes.set_xlim(1, 4)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: axis_number(value)))
    for index, code in enumerate(codes):
        axes.text(
            float(result.nrr[code]) - 0.04, index, number_text(result.nrr[code], 2),
            va="center", ha="right", color="white", fontsize=9, fontweight="bold",
        )  # fmt: skip
    axes.set_title(content.report.infographic.nrr_title, fontsize=12, color=INK)
    axes.tick_params(labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _plans_of(code: str, summary: Summary) -> list[str]:
    return [plan.activity for plan in summary.plans_of_period if plan.unsur == code]


def _lowest(
    figure: Figure, summary: Summary, content: Content, top: float, width: int, shown: int
) -> None:
    """The three lowest unsur, each with up to `shown` of its plans."""
    words = content.report.infographic
    result = summary.result
    if result is None:
        return
    _text(figure, top, words.lowest_title, 13, bold=True)
    y = top - 0.035
    for code in result.lowest():
        item = words.lowest_item.format(
            code=code, name=unsur_name(code, content), nrr=number_text(result.nrr[code], 2)
        )
        colour = GRADE_COLOURS[result.unsur_grade(code)]
        figure.text(0.08, y, item, fontsize=11, fontweight="bold", color=colour, va="top")
        y -= 0.026
        plans = _plans_of(code, summary) or [words.no_plan]
        for plan in plans[:shown]:
            line = textwrap.shorten(plan, width, placeholder="…")
            figure.text(0.1, y, f"→ {line}", fontsize=10, color=INK, va="top")
            y -= 0.022
        y -= 0.008


def _figure(summary: Summary, content: Content, size: tuple[float, float]) -> Figure:
    figure = Figure(figsize=size)
    portrait = size[1] > size[0]
    _header(figure, summary, content, 0.955)
    _score(figure, summary, content, 0.80 if portrait else 0.78)
    if summary.result is not None:
        place = (0.36, 0.36, 0.58, 0.30) if portrait else (0.38, 0.34, 0.56, 0.27)
        _bars(figure.add_axes(place), summary.result, content)
        if portrait:
            _lowest(figure, summary, content, 0.30, width=80, shown=2)
        else:
            _lowest(figure, summary, content, 0.255, width=90, shown=1)
    unit = content.unit
    footer = content.report.infographic.footer.format(
        unit=unit.name, website=unit.website, regulation=content.survey.regulation
    )
    _text(figure, 0.02, footer, 8, MUTED)
    return figure


def infographic_png(summary: Summary, content: Content) -> bytes:
    """The square image (1080 x 1080) for social media."""
    figure = _figure(summary, content, SQUARE_INCHES)
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=SQUARE_DPI)
    return buffer.getvalue()


def infographic_pdf(summary: Summary, content: Content) -> bytes:
    """The A4 portrait page for the notice board."""
    figure = _figure(summary, content, A4_INCHES)
    FigureCanvasPdf(figure)
    buffer = io.BytesIO()
    # A fixed creation date keeps the same summary's file the same.
    figure.savefig(buffer, format="pdf", metadata={"CreationDate": None})
    return buffer.getvalue()
