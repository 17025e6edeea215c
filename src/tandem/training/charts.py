"""Plotly figures (as dicts) for the training pages and the CISO home panel."""

from __future__ import annotations

from typing import Any

BLUE, RED, GREEN = "#1565c0", "#c62828", "#2e7d32"


def _layout(height: int, y_title: str) -> dict[str, Any]:
    return {"height": height, "margin": {"t": 20, "l": 60, "b": 60, "r": 10}, "legend": {"orientation": "h"},
            "yaxis": {"title": {"text": y_title}, "tickformat": ".0%", "rangemode": "tozero"}}  # fmt: skip


def rate_bars(rows: list[dict[str, Any]], height: int = 300) -> dict[str, Any]:
    """Return a bar chart of completion rates per named group."""
    data = [{"type": "bar", "x": [r["name"] for r in rows], "y": [r["rate"] for r in rows],
             "marker": {"color": [RED if r["rate"] < 0.85 else BLUE for r in rows]}}]  # fmt: skip
    layout = _layout(height, "Complete")
    layout["yaxis"]["range"] = [0, 1]
    return {"data": data, "layout": layout}


def trend_line(points: list[dict[str, Any]], height: int = 260) -> dict[str, Any]:
    """Return the monthly completion trend."""
    data = [{"type": "scatter", "mode": "lines+markers", "name": "Complete at month end",
             "x": [p["month"] for p in points], "y": [p["rate"] for p in points], "line": {"color": BLUE}}]  # fmt: skip
    return {"data": data, "layout": _layout(height, "Complete")}


def phishing_rates(campaigns: list[dict[str, Any]], height: int = 300) -> dict[str, Any]:
    """Return click, submit and report rates per campaign, oldest first."""
    names = [c["name"] for c in campaigns]
    data = [{"type": "bar", "name": label, "x": names, "y": [c[key] for c in campaigns], "marker": {"color": colour}}
            for key, label, colour in (("click_rate", "Clicked", RED), ("submit_rate", "Submitted data", "#ef6c00"),
                                       ("report_rate", "Reported", GREEN))]  # fmt: skip
    layout = _layout(height, "Share of recipients")
    layout["barmode"] = "group"
    return {"data": data, "layout": layout}
