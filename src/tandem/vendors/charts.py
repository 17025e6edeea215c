"""Plotly figures of the vendor pages: spend × risk tier bubbles, spend concentration bars."""

from __future__ import annotations

from typing import Any

TIER_Y = {"low": 1, "medium": 2, "high": 3, "critical": 4}
COLOURS = {"low": "#2e7d32", "medium": "#f9a825", "high": "#ef6c00", "critical": "#c62828"}


def bubble_chart(rows: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    """Return vendors as bubbles: x = yearly spend in currency, y = inherent tier, size = data stores reached,
    colour = residual rating."""
    points = [r for r in rows if r["spend"].get(currency)]
    data = [{
        "type": "scatter", "mode": "markers+text", "name": "Vendors",
        "x": [r["spend"][currency] for r in points],
        "y": [TIER_Y[r["tier"]] for r in points],
        "text": [r["vendor"].name for r in points], "textposition": "top center",
        "customdata": [[r["residual"], len(r["flags"])] for r in points],
        "hovertemplate": "%{text}<br>spend %{x:,.0f} " + currency
                         + "<br>residual %{customdata[0]}<br>%{customdata[1]} flags<extra></extra>",
        "marker": {"size": [14 + 8 * r["stores"] for r in points], "sizemode": "diameter",
                   "color": [COLOURS[r["residual"]] for r in points], "opacity": 0.75,
                   "line": {"width": 1, "color": "#333"}},
    }]  # fmt: skip
    layout = {
        "xaxis": {"title": {"text": f"Yearly spend ({currency})"}, "type": "log", "tickformat": "~s"},
        "yaxis": {"title": {"text": "Inherent risk tier"}, "tickvals": list(TIER_Y.values()),
                  "ticktext": list(TIER_Y), "range": [0.5, 4.7]},
        "margin": {"t": 20, "l": 80, "b": 60, "r": 10}, "height": 460, "showlegend": False,
    }  # fmt: skip
    return {"data": data, "layout": layout}


def concentration_chart(ranked: list[dict[str, Any]], currency: str) -> dict[str, Any]:
    """Return a horizontal bar chart of each vendor's share of IT spend in currency."""
    top = ranked[:15][::-1]
    return {
        "data": [{"type": "bar", "orientation": "h", "x": [r["share"] for r in top], "y": [r["name"] for r in top],
                  "marker": {"color": "#1565c0"}}],
        "layout": {"xaxis": {"title": {"text": f"Share of yearly spend ({currency})"}, "tickformat": ".0%"},
                   "margin": {"t": 20, "l": 160, "b": 50, "r": 10}, "height": 40 + 26 * max(len(top), 3)},
    }  # fmt: skip
