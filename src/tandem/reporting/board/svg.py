"""The pack's charts as inline SVG (HTML5, so no namespace URL): presentation attributes only (no style
attributes, no scripts, no links), every label escaped, so the charts work in a self-contained file and under the
app's strict CSP."""

from __future__ import annotations

import math
from collections.abc import Callable

from markupsafe import Markup, escape

from tandem.platform.documents.pdf import BarChart, LineChart, Roadmap, StackedBars

W, FONT = 640, 'font-family="Helvetica,Arial,sans-serif" font-size="11"'
COLOURS = ["#2e5eaa", "#c62828", "#2e7d32", "#f9a825", "#6a1b9a"]
STACK = ["#2e7d32", "#f9a825", "#c62828", "#787878"]


def _short(value: float, percent: bool = False) -> str:
    if percent:
        return f"{value:.0%}"
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _svg(height: float, title: str, body: list[str]) -> Markup:
    label = escape(title)
    head = (f'<svg viewBox="0 0 {W} {height:.0f}" width="100%" role="img" '
            f'aria-label="{label}" {FONT}><title>{label}</title>')  # fmt: skip
    # Every interpolated label above and in body went through escape(); numbers are formatted floats.
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704  # nosec B704


def line_chart(chart: LineChart) -> Markup:
    """Return a line chart (log-x for loss exceedance curves), dashed series for limits, with a legend."""
    height, left, top, right, bottom = 290.0, 56.0, 12.0, 12.0, 62.0
    pts = [(x, y) for s in chart.series for x, y in s.points if not chart.log_x or x > 0]
    if not pts:
        return _svg(40, chart.title, ['<text x="8" y="24">No data to plot.</text>'])
    fx: Callable[[float], float] = math.log10 if chart.log_x else (lambda v: v)
    x_lo, x_hi = min(fx(x) for x, _ in pts), max(fx(x) for x, _ in pts)
    y_lo, y_hi = min(0.0, min(y for _, y in pts)), max(y for _, y in pts)
    if x_hi <= x_lo:  # a single x: centre it
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    y_hi = y_hi if y_hi > y_lo else y_lo + 1
    pw, ph = W - left - right, height - top - bottom

    def at(x: float, y: float) -> tuple[float, float]:
        return left + pw * (fx(x) - x_lo) / (x_hi - x_lo), top + ph * (1 - (y - y_lo) / (y_hi - y_lo))

    body = [f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#999"/>',
            f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#999"/>']  # fmt: skip
    for n in range(5):
        value = y_lo + (y_hi - y_lo) * n / 4
        y = top + ph * (1 - n / 4)
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_short(value, chart.y_percent)}</text>')
    if chart.x_ticks:
        ticks = [(v, label) for v, label in chart.x_ticks]
    elif chart.log_x:
        ticks = [(10.0**e, "") for e in range(math.ceil(x_lo), math.floor(x_hi) + 1)]
    else:
        ticks = [(x_lo + (x_hi - x_lo) * n / 4, "") for n in range(5)]
    for value, label in ticks:
        x, _ = at(value, y_lo)
        body.append(f'<text x="{x:.1f}" y="{top + ph + 16}" text-anchor="middle">'
                    f"{escape(label or _short(value))}</text>")  # fmt: skip
    for n, s in enumerate(chart.series):
        colour = COLOURS[n % len(COLOURS)]
        coords = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (at(px, py) for px, py in s.points if not chart.log_x or px > 0)
        )
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        if len(s.points) < 20:
            body.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
                        for x, y in (at(px, py) for px, py in s.points if not chart.log_x or px > 0))  # fmt: skip
        lx = left + 170 * n
        body.append(
            f'<line x1="{lx}" y1="{height - 14}" x2="{lx + 22}" y2="{height - 14}" stroke="{colour}" '
            f'stroke-width="2"{dash}/><text x="{lx + 26}" y="{height - 10}">{escape(s.name)}</text>'
        )
    if chart.x_label:
        body.append(
            f'<text x="{left + pw / 2}" y="{top + ph + 32}" text-anchor="middle">{escape(chart.x_label)}</text>'
        )
    return _svg(height, chart.title, body)


def bar_chart(chart: BarChart) -> Markup:
    """Return horizontal bars with their values."""
    row, label_w = 20.0, 200.0
    top = max((abs(v) for _, v in chart.items), default=0.0) or 1.0
    body = []
    for n, (label, value) in enumerate(chart.items):
        y = 6 + n * row
        width = max((W - label_w - 70) * abs(value) / top, 1.0)
        body.append(f'<text x="0" y="{y + 12}">{escape(label[:40])}</text>'
                    f'<rect x="{label_w}" y="{y + 2}" width="{width:.1f}" height="12" fill="{COLOURS[0]}"/>'
                    f'<text x="{label_w + width + 4:.1f}" y="{y + 12}">{value:,.4g}</text>')  # fmt: skip
    return _svg(12 + row * len(chart.items), chart.title, body)


def stacked_bars(chart: StackedBars) -> Markup:
    """Return horizontal bars split into parts, with a legend."""
    row, label_w, bar_w = 22.0, 200.0, W - 200.0 - 110.0
    body = []
    for n, (label, values) in enumerate(chart.items):
        y, x = 6 + n * row, label_w
        total = sum(values) or 1.0
        body.append(f'<text x="0" y="{y + 13}">{escape(label[:40])}</text>')
        for k, value in enumerate(values):
            width = bar_w * value / total
            body.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{width:.1f}" height="14" fill="{STACK[k % len(STACK)]}"/>'
            )
            x += width
        body.append(f'<text x="{label_w + bar_w + 6}" y="{y + 13}">{" / ".join(f"{v:,.0f}" for v in values)}</text>')
    legend_y = 12 + row * len(chart.items)
    for k, part in enumerate(chart.parts):
        body.append(f'<rect x="{k * 110}" y="{legend_y}" width="12" height="12" fill="{STACK[k % len(STACK)]}"/>'
                    f'<text x="{k * 110 + 16}" y="{legend_y + 10}">{escape(part)}</text>')  # fmt: skip
    return _svg(legend_y + 20, chart.title, body)


def roadmap(chart: Roadmap) -> Markup:
    """Return a Gantt-like roadmap over the plan's periods."""
    row, label_w = 18.0, 240.0
    periods = chart.periods or [""]
    step = (W - label_w) / len(periods)
    body = [f'<text x="{label_w + n * step + 2:.1f}" y="12">{escape(p)}</text>' for n, p in enumerate(periods)]
    for n, (label, start, end) in enumerate(chart.rows):
        y = 18 + n * row
        body.append(f'<text x="0" y="{y + 12}">{escape(label[:44])}</text>')
        lo, hi = max(start, 0), min(end, len(periods) - 1)
        if hi >= lo:
            body.append(f'<rect x="{label_w + lo * step:.1f}" y="{y + 2}" width="{(hi - lo + 1) * step - 2:.1f}" '
                        f'height="12" rx="2" fill="{COLOURS[0]}"/>')  # fmt: skip
    return _svg(24 + row * len(chart.rows), chart.title, body)


def chart_svg(chart: LineChart | StackedBars | Roadmap | BarChart) -> Markup:
    """Return the SVG of any chart of a pack."""
    if isinstance(chart, LineChart):
        return line_chart(chart)
    if isinstance(chart, StackedBars):
        return stacked_bars(chart)
    if isinstance(chart, Roadmap):
        return roadmap(chart)
    return bar_chart(chart)
