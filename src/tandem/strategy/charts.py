"""Plotly figures of the strategy pages: roadmap, use against caps, frontier, TIME grid bubbles."""

from __future__ import annotations

from typing import Any

COLOURS = {"cio": "#1565c0", "ciso": "#c62828", "joint": "#6a1b9a"}
LAYOUT: dict[str, Any] = {"margin": {"t": 20, "l": 60, "b": 50, "r": 10}, "legend": {"orientation": "h"}}


def roadmap(result: dict[str, Any]) -> dict[str, Any]:
    """Return quarters × initiatives as horizontal bars coloured by sponsor."""
    info, labels = result["info"], result["labels"]
    ordered = sorted(result["starts"].items(), key=lambda kv: (-kv[1], info[kv[0]]["title"]))
    data = []
    for sponsor, colour in COLOURS.items():
        rows = [(info[k]["title"], q, info[k]["duration"]) for k, q in ordered if info[k]["sponsor"] == sponsor]
        if rows:
            data.append({"type": "bar", "orientation": "h", "name": sponsor.upper(), "y": [r[0] for r in rows],
                         "x": [r[2] for r in rows], "base": [r[1] for r in rows], "marker": {"color": colour},
                         "hovertemplate": "%{y}<extra></extra>"})  # fmt: skip
    layout = {**LAYOUT, "barmode": "overlay", "height": max(300, 22 * len(ordered) + 80), "margin": {**LAYOUT["margin"],
              "l": 260}, "xaxis": {"tickvals": [n + 0.5 for n in range(len(labels))], "ticktext": labels,
              "range": [0, len(labels)]}}  # fmt: skip
    return {"data": data, "layout": layout}


def usage(result: dict[str, Any]) -> dict[str, Any]:
    """Return each cap's use per quarter as a share of the cap (100 % = binding)."""
    data = []
    for name, used in result["usage"].items():
        cap = result["caps"].get(name, [])
        data.append({"type": "scatter", "mode": "lines+markers", "name": name, "x": result["labels"],
                     "y": [u / c if c else 0 for u, c in zip(used, cap, strict=False)]})  # fmt: skip
    return {"data": data, "layout": {**LAYOUT, "height": 280, "yaxis": {"tickformat": ".0%", "rangemode": "tozero"}}}


def frontier(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Return business value and risk reduction (× λ × years) stacked per budget level."""
    ok = [p for p in points if p["status"] not in ("infeasible", "no_solution")]
    x = [p["budget"] for p in ok]
    risk_part = [p["objective"] - p["value"] for p in ok]
    data = [
        {
            "type": "bar",
            "name": "Business value",
            "x": x,
            "y": [p["value"] for p in ok],
            "marker": {"color": "#1565c0"},
        },
        {"type": "bar", "name": "Risk reduction (λ-weighted)", "x": x, "y": risk_part, "marker": {"color": "#c62828"}},
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Total (discounted)",
            "x": x,
            "y": [p["objective"] for p in ok],
            "line": {"color": "#333"},
        },
    ]
    layout = {**LAYOUT, "barmode": "stack", "height": 380, "xaxis": {"title": {"text": "Budget over the horizon"},
              "tickformat": "~s"}, "yaxis": {"tickformat": "~s"}}  # fmt: skip
    return {"data": data, "layout": layout}


def time_grid(apps: list[dict[str, Any]]) -> dict[str, Any]:
    """Return applications as bubbles on the TIME grid: size = yearly run cost (one neutral size where the reader may
    not see it), colour = ALE of their risks; hollow bubbles have no fit scores yet and sit in their quadrant."""
    data = [{"type": "scatter", "mode": "markers+text", "text": [a["name"] for a in apps], "textposition": "top center",
             "x": [a["technical_fit"] for a in apps], "y": [a["business_fit"] for a in apps],
             "marker": {"size": [a["size"] for a in apps], "color": [a["ale"] for a in apps], "colorscale": "Reds",
                        "symbol": ["circle" if a.get("assessed", True) else "circle-open" for a in apps],
                        "showscale": True, "colorbar": {"title": {"text": "ALE"}}, "line": {"color": "#333"}},
             "hovertemplate": "%{text}<extra></extra>"}]  # fmt: skip
    quadrants = [(0.25, 0.75, "Migrate"), (0.75, 0.75, "Invest"), (0.25, 0.25, "Eliminate"), (0.75, 0.25, "Tolerate")]
    layout = {**LAYOUT, "height": 520, "showlegend": False,
              "xaxis": {"title": {"text": "Technical fit"}, "range": [0, 1], "tickvals": [0.5], "ticktext": [""]},
              "yaxis": {"title": {"text": "Business fit"}, "range": [0, 1], "tickvals": [0.5], "ticktext": [""]},
              "annotations": [{"x": x, "y": y, "text": t, "showarrow": False, "opacity": 0.3, "font": {"size": 28}}
                              for x, y, t in quadrants]}  # fmt: skip
    return {"data": data, "layout": layout}
