"""Plotly figures of the risk pages: loss exceedance curves with the tolerance overlay, what-if comparison."""

from __future__ import annotations

from typing import Any


def lec_chart(curves: list[tuple[str, list[list[float]]]], tolerance: list[list[float]]) -> dict[str, Any]:
    """Return a log-x loss exceedance chart of named curves with the tolerance curve overlaid."""
    data: list[dict[str, Any]] = [
        {"type": "scatter", "mode": "lines", "name": name, "x": [p[0] for p in points], "y": [p[1] for p in points],
         "line": {"shape": "hv"}}
        for name, points in curves if points
    ]  # fmt: skip
    if tolerance:
        data.append({"type": "scatter", "mode": "lines+markers", "name": "Risk tolerance",
                     "x": [p[0] for p in tolerance], "y": [p[1] for p in tolerance],
                     "line": {"dash": "dash", "color": "#c62828"}})  # fmt: skip
    layout = {
        "xaxis": {"type": "log", "title": {"text": "Annual loss"}, "tickformat": "~s"},
        "yaxis": {"title": {"text": "P(annual loss ≥ x)"}, "tickformat": ".0%", "rangemode": "tozero"},
        "margin": {"t": 20, "l": 70, "b": 60, "r": 10}, "height": 420, "legend": {"orientation": "h"},
    }  # fmt: skip
    return {"data": data, "layout": layout}


def summary_chart(stats: dict[str, Any]) -> dict[str, Any]:
    """Return a bar chart of the percentiles and mean (the histogram-like summary)."""
    keys = [("p10", "P10"), ("p50", "Median"), ("mean", "Mean (ALE)"), ("p90", "P90"), ("p95", "P95"),
            ("p99", "P99"), ("tvar95", "TVaR95")]  # fmt: skip
    return {
        "data": [
            {
                "type": "bar",
                "x": [label for _, label in keys],
                "y": [stats.get(k, 0) for k, _ in keys],
                "marker": {"color": "#1565c0"},
            }
        ],
        "layout": {
            "yaxis": {"title": {"text": "Annual loss"}, "tickformat": "~s"},
            "height": 300,
            "margin": {"t": 20, "l": 70, "b": 40, "r": 10},
        },
    }


def exceeds_tolerance(lec: list[list[float]], tolerance: list[list[float]]) -> list[dict[str, float]]:
    """Return the tolerance points the curve exceeds: P(loss ≥ x) above the acceptable probability."""
    out = []
    for loss, max_p in tolerance:
        p = next((q for x, q in lec if x >= loss), 0.0)
        if lec and loss < lec[0][0]:
            p = lec[0][1]
        if p > max_p:
            out.append({"loss": loss, "max_p": max_p, "p": p})
    return out
