"""Plotly figures (plain dicts, drawn by app.js from JSON blocks under the strict CSP) of the home panels."""

from __future__ import annotations

import datetime as dt
from typing import Any

BLUE, RED, GREEN, AMBER, GREY = "#1565c0", "#c62828", "#2e7d32", "#f9a825", "#9e9e9e"
COVERAGE = (("satisfied", "Satisfied", GREEN), ("partially", "Partially", AMBER),
            ("not-satisfied", "Not satisfied", RED), ("not-assessed", "Not assessed", GREY))  # fmt: skip


def _wrap(text: str, width: int) -> str:
    """Break a long label into lines of about width characters (Plotly draws <br> as a line break)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines[:3])


def _layout(height: int, **extra: Any) -> dict[str, Any]:
    return {"height": height, "margin": {"t": 10, "l": 60, "b": 40, "r": 10}, "legend": {"orientation": "h"}, **extra}


def burn(quarters: list[str], spend: list[float], budget: list[float]) -> dict[str, Any]:
    """Return planned spend per quarter as bars with the budget as a line."""
    data = [{"type": "bar", "name": "Planned spend", "x": quarters, "y": spend, "marker": {"color": BLUE}},
            {"type": "scatter", "mode": "lines+markers", "name": "Budget", "x": quarters, "y": budget,
             "line": {"color": RED, "dash": "dash"}}]  # fmt: skip
    layout = _layout(260, yaxis={"tickformat": "~s"}, xaxis={"tickangle": -45, "automargin": True})
    return {"data": data, "layout": layout}


def capability_cost(rows: list[tuple[str, float, str]]) -> dict[str, Any]:
    """Return yearly run cost per capability as horizontal bars, largest on top."""
    data = [{"type": "bar", "orientation": "h", "y": [r[0][:40] for r in rows], "x": [r[1] for r in rows],
             "marker": {"color": BLUE}}]  # fmt: skip
    layout = _layout(60 + 26 * len(rows), yaxis={"autorange": "reversed", "automargin": True},
                     xaxis={"tickformat": "~s"})  # fmt: skip
    return {"data": data, "layout": layout}


def lec(points: list[list[float]], tolerance: list[list[float]]) -> dict[str, Any]:
    """Return the aggregate loss exceedance curve (log-x) with the tolerance curve overlaid."""
    data: list[dict[str, Any]] = [{"type": "scatter", "mode": "lines", "name": "Portfolio",
                                   "x": [p[0] for p in points], "y": [p[1] for p in points],
                                   "line": {"shape": "hv", "color": BLUE}}]  # fmt: skip
    if tolerance:
        data.append({"type": "scatter", "mode": "lines+markers", "name": "Tolerance", "x": [p[0] for p in tolerance],
                     "y": [p[1] for p in tolerance], "line": {"dash": "dash", "color": RED}})  # fmt: skip
    layout = _layout(260, xaxis={"type": "log", "tickformat": "~s", "title": {"text": "Annual loss"}},
                     yaxis={"tickformat": ".0%", "rangemode": "tozero", "title": {"text": "P(loss ≥ x)"}})  # fmt: skip
    return {"data": data, "layout": layout}


def trend(points: list[tuple[dt.date | dt.datetime, float]], name: str) -> dict[str, Any]:
    """Return a line of a metric over time."""
    data = [{"type": "scatter", "mode": "lines+markers", "name": name, "x": [str(d)[:10] for d, _ in points],
             "y": [v for _, v in points], "line": {"color": BLUE}}]  # fmt: skip
    return {"data": data, "layout": _layout(200, yaxis={"tickformat": "~s", "rangemode": "tozero"})}


def coverage(rows: list[Any]) -> dict[str, Any]:
    """Return stacked horizontal bars of requirement results per framework."""
    names = [_wrap(r.framework, 22) for r in rows]
    data = [{"type": "bar", "orientation": "h", "name": label, "y": names,
             "x": [r.counts.get(state, 0) for r in rows], "marker": {"color": colour}}
            for state, label, colour in COVERAGE]  # fmt: skip
    layout = _layout(100 + 50 * len(rows), barmode="stack", yaxis={"autorange": "reversed", "automargin": True})
    return {"data": data, "layout": layout}
