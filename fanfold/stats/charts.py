"""Server-rendered SVG charts: no JavaScript, themed by CSS, named for screen readers.

Every chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (a one-
sentence summary); the page follows each chart with the same figures as a table.
"""

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 220
LEFT = 52  # room for the value axis
RIGHT = 12
TOP = 12
BOTTOM = 30  # room for the labels under the bars


def nice_max(value: float) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return max(1, math.ceil(step * magnitude))
    return math.ceil(value)


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def _frame(chart_id: str, title: str, summary: str, body: list[str], height: int) -> SafeString:
    cid = escape(chart_id)
    return mark_safe(
        f'<svg class="chart" id="{cid}" role="img" aria-labelledby="{cid}-title {cid}-desc"'
        f' viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMidYMid meet"'
        f' xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(summary)}</desc>' + "".join(body) + "</svg>"
    )


def _value_axis(top: float, unit: str = "") -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = []
    for i in range(3):
        value = top * i / 2
        y = HEIGHT - BOTTOM - plot_h * i / 2
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_fmt(value)}{unit}</text>"
        )
    return out


def _label_every(n: int, room: int = 10) -> int:
    return max(1, math.ceil(n / room))


def bar_chart(
    chart_id: str, *, title: str, summary: str, points: Sequence[tuple[str, float]]
) -> SafeString:
    """Vertical bars, one per point (label, value), with a value axis from zero."""
    top = nice_max(max((v for _, v in points), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(points))
    body = _value_axis(top)
    # The zero line, as in the line chart: days without hits still show as a flat line.
    zero = HEIGHT - BOTTOM
    body.append(f'<line class="line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero}" y2="{zero}"/>')
    every = _label_every(len(points))
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        x = LEFT + i * slot + slot * 0.15
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}"'
            f' width="{slot * 0.7:.1f}" height="{h:.1f}"><title>{escape(label)}: {_fmt(value)}'
            "</title></rect>"
        )
        if i % every == 0:
            body.append(
                f'<text class="axis" x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 16}"'
                f' text-anchor="middle">{escape(label)}</text>'
            )
    return _frame(chart_id, title, summary, body, HEIGHT)


def line_chart(
    chart_id: str, *, title: str, summary: str, points: Sequence[tuple[str, float]]
) -> SafeString:
    """A line through the points (label, value), with a dot on each, from zero up."""
    top = nice_max(max((v for _, v in points), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1)
    body = _value_axis(top)
    coords = [
        (LEFT + i * step, HEIGHT - BOTTOM - plot_h * value / top)
        for i, (_, value) in enumerate(points)
    ]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline class="line" points="{path}"/>')
    every = _label_every(len(points), room=7)
    for i, ((label, value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        body.append(
            f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(label)}: {_fmt(value)}</title></circle>"
        )
        last = len(points) - 1
        if i == last or (i % every == 0 and last - i >= every / 2):  # no overlap at the end
            anchor = "end" if i == last else "middle" if i else "start"
            body.append(
                f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}"'
                f' text-anchor="{anchor}">{escape(label)}</text>'
            )
    return _frame(chart_id, title, summary, body, HEIGHT)


def funnel_chart(
    chart_id: str, *, title: str, summary: str, points: Sequence[tuple[str, float]]
) -> SafeString:
    """Horizontal bars of percentages (label, percent), one row each, 100 % full width."""
    row = 16 if len(points) <= 30 else 9
    height = TOP + row * max(1, len(points)) + BOTTOM
    plot_w = WIDTH - LEFT - RIGHT
    top = max(100.0, max((v for _, v in points), default=0))
    body = []
    for i in range(3):
        x = LEFT + plot_w * i / 2
        anchor = "end" if i == 2 else "middle"  # 100 % stays inside the picture
        body.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - BOTTOM}"/>'
            f'<text class="axis" x="{x:.1f}" y="{height - BOTTOM + 16}" text-anchor="{anchor}">'
            f"{_fmt(top * i / 2)} %</text>"
        )
    every = _label_every(len(points), room=30)
    for i, (label, value) in enumerate(points):
        y = TOP + i * row
        w = plot_w * value / top
        body.append(
            f'<rect class="bar" x="{LEFT}" y="{y + 1:.1f}" width="{w:.1f}" height="{row - 2}">'
            f"<title>{escape(label)}: {_fmt(value)} %</title></rect>"
        )
        if i % every == 0:
            body.append(
                f'<text class="axis" x="{LEFT - 6}" y="{y + row - 3:.1f}" text-anchor="end">'
                f"{escape(label)}</text>"
            )
    return _frame(chart_id, title, summary, body, height)
