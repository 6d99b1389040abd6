"""Charts as SVG text, drawn on the server: pages need no JavaScript and print sharply.

The trend takes plain (period name, IKM) points, so it can be fed by published snapshots or
by any other history of results.
"""

from collections.abc import Sequence
from html import escape

WIDTH = 420
BAR_HEIGHT = 290
TREND_HEIGHT = 230
FLOOR = 25.0
TOP = 100.0
GRADE_LINES = ((88.31, "A"), (76.61, "B"), (65.0, "C"))
BAR_COLOUR = "#1f5f8b"
LOW_COLOUR = "#b3541e"


def _number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _y(value: float, top: float, height: float) -> float:
    share = (min(max(value, FLOOR), TOP) - FLOOR) / (TOP - FLOOR)
    return top + height * (1 - share)


def _frame(title: str, description: str, height: int, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
            ' role="img" aria-labelledby="t d" class="chart" preserveAspectRatio="xMidYMid meet">',
            f'<title id="t">{escape(title)}</title>',
            f'<desc id="d">{escape(description)}</desc>',
            *body,
            "</svg>",
        ]
    )


def _grade_lines(left: float, right: float, top: float, height: float) -> list[str]:
    lines = []
    for value, grade in GRADE_LINES:
        y = _y(value, top, height)
        lines.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"'
            ' stroke="#888" stroke-dasharray="4 4" stroke-width="1"/>'
        )
        lines.append(
            f'<text x="{right + 4}" y="{y + 5:.1f}" font-size="13" fill="#444">{grade}</text>'
        )
    return lines


def unsur_bars(scores: Sequence[tuple[str, str, float]], lowest: Sequence[str], title: str) -> str:
    """Horizontal bars of each unsur's score (NRR x 25); the lowest unsur drawn apart."""
    left, right, top = 36.0, WIDTH - 52.0, 6.0
    row = (BAR_HEIGHT - 2 * top) / max(len(scores), 1)
    body = []
    for index, (code, name, score) in enumerate(scores):
        y = top + index * row
        share = (min(max(score, FLOOR), TOP) - FLOOR) / (TOP - FLOOR)
        width = (right - left) * share
        colour = LOW_COLOUR if code in lowest else BAR_COLOUR
        body.append(
            f'<text x="{left - 6}" y="{y + row / 2 + 5:.1f}" font-size="14" text-anchor="end"'
            f' fill="#222">{escape(code)}</text>'
        )
        body.append(
            f'<rect x="{left}" y="{y + 4:.1f}" width="{width:.1f}" height="{row - 8:.1f}"'
            f' fill="{colour}"><title>{escape(code)} {escape(name)}: {_number(score)}</title>'
            "</rect>"
        )
        body.append(
            f'<text x="{left + width + 4:.1f}" y="{y + row / 2 + 5:.1f}" font-size="14"'
            f' fill="#222">{_number(score)}</text>'
        )
    description = "; ".join(f"{c} {n}: {_number(s)}" for c, n, s in scores)
    return _frame(title, description, BAR_HEIGHT, body)


def trend_line(points: Sequence[tuple[str, float]], title: str) -> str:
    """The IKM of successive periods, oldest first, with the grade boundaries."""
    left, right, top, bottom = 12.0, WIDTH - 24.0, 22.0, 46.0
    height = TREND_HEIGHT - top - bottom
    body = _grade_lines(left, right - 10, top, height)
    body.append(
        f'<line x1="{left}" y1="{top + height}" x2="{right}" y2="{top + height}" stroke="#222"/>'
    )
    step = (right - left) / max(len(points), 1)
    coords = []
    for index, (name, value) in enumerate(points):
        x = left + step * (index + 0.5)
        y = _y(value, top, height)
        coords.append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR_COLOUR}"/>')
        body.append(
            f'<text x="{x:.1f}" y="{y - 10:.1f}" font-size="14" text-anchor="middle"'
            f' fill="#222">{_number(value)}</text>'
        )
        # Two short lines ("November" over "2026") fit under a point where one long does not.
        first, _, rest = name.partition(" ")
        lines = "".join(
            f'<tspan x="{x:.1f}" dy="{dy}">{escape(part)}</tspan>'
            for part, dy in ((first, 0), (rest, 15))
            if part
        )
        body.append(
            f'<text x="{x:.1f}" y="{top + height + 18:.1f}" font-size="12"'
            f' text-anchor="middle" fill="#222">{lines}</text>'
        )
    if len(coords) > 1:
        body.insert(
            0,
            f'<polyline points="{" ".join(coords)}" fill="none" stroke="{BAR_COLOUR}"'
            ' stroke-width="2"/>',
        )
    description = "; ".join(f"{n}: {_number(v)}" for n, v in points)
    return _frame(title, description, TREND_HEIGHT, body)
