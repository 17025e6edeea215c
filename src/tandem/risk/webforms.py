"""The scenario form: FAIR range inputs ⇄ JSON estimates, implied values for the preview, located errors."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.web.forms import text, texts
from tandem.risk.inputs import FACTORS

FACTOR_LABELS = {
    "lef": "Loss event frequency (events / year)",
    "tef": "Threat event frequency (events / year)",
    "contact_frequency": "Contact frequency (contacts / year)",
    "probability_of_action": "Probability of action (0–1)",
    "vulnerability": "Vulnerability (0–1)",
    "tcap": "Threat capability (0–100)",
    "rs": "Resistance strength (0–100)",
    "primary_loss": "Primary loss per event",
    "secondary_probability": "Secondary loss event frequency (share of events, 0–1)",
    "secondary_loss": "Secondary loss per secondary event",
}
TYPES = ("", "pert", "lognormal90", "uniform", "constant")
PLAIN = ("title", "description", "threat_community", "threat_event", "status", "review_date", "likelihood", "impact")


def _num(raw: str) -> Any:
    try:
        return float(raw)
    except ValueError:
        return raw


def estimate_from(form: FormData, factor: str) -> dict[str, Any] | None:
    """Return the JSON estimate of one factor row (None when its type is empty)."""
    kind = text(form, f"{factor}.type")
    lo, mode, hi, gamma = (text(form, f"{factor}.{k}").strip() for k in ("lo", "mode", "hi", "gamma"))
    if kind == "pert":
        est: dict[str, Any] = {"type": "pert", "min": _num(lo), "mode": _num(mode), "max": _num(hi)}
        if gamma:
            est["gamma"] = _num(gamma)
        return est
    if kind in ("lognormal90", "uniform"):
        return {"type": kind, "low": _num(lo), "high": _num(hi)}
    if kind == "constant":
        return {"type": "constant", "value": _num(mode)}
    return None


def form_rows(fair: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return the form values of each factor row from stored JSON."""
    rows = {}
    for factor in FACTORS:
        est = (fair or {}).get(factor) or {}
        rows[factor] = {
            "type": est.get("type", ""),
            "lo": est.get("min", est.get("low", "")),
            "mode": est.get("mode", est.get("value", "")),
            "hi": est.get("max", est.get("high", "")),
            "gamma": est.get("gamma", ""),
        }
    return rows


def payload_from(form: FormData) -> dict[str, Any]:
    """Return the scenario fields submitted by the form (strings; the schema validates them)."""
    data: dict[str, Any] = {k: text(form, k).strip() for k in PLAIN}
    for key in ("review_date", "likelihood", "impact"):
        data[key] = data[key] or None
    data["loss_types"] = texts(form, "loss_types")
    fair = {f: est for f in FACTORS if (est := estimate_from(form, f)) is not None}
    data["fair"] = fair or None
    return data


def errors_by_field(exc: TandemError) -> dict[str, str]:
    """Return messages keyed by form field; FAIR errors by factor row ("fair.tef")."""
    if not isinstance(exc, InvalidInput):
        return {"_form": exc.message}
    out: dict[str, str] = {}
    for err in exc.errors:
        parts = [p for p in err.location.split(".") if p not in ("body",)]
        if parts and parts[0] == "fair" and len(parts) > 1:
            key, reason = f"fair.{parts[1]}", f"{'.'.join(parts[2:]) or parts[1]}: {err.reason}"
        else:
            key, reason = (parts[0] if parts else "_form"), err.reason
        out[key] = f"{out[key]}; {reason}" if key in out else reason
    return out


# --- the matrix form: labels, levels (key, label, colour), cells, appetite, tolerance points --------------------

EXTRA_LEVELS, EXTRA_POINTS = 1, 2  # blank rows offered for adding a level or tolerance points


def _indexed(form: FormData, name: str, limit: int) -> list[str]:
    """Return the values of name.0, name.1, … (stopping at the first missing index)."""
    out: list[str] = []
    while len(out) < limit and f"{name}.{len(out)}" in form:
        out.append(text(form, f"{name}.{len(out)}", 200).strip())
    return out


def matrix_values(form: FormData) -> dict[str, Any]:
    """Return the submitted matrix as strings, shaped like matrix_data() (blank rows dropped), to save or re-render."""
    likelihood, impact = _indexed(form, "likelihood_labels", 10), _indexed(form, "impact_labels", 10)
    levels, points = [], []
    for n in range(11):
        if f"levels.{n}.key" not in form:
            break
        levels.append({k: text(form, f"levels.{n}.{k}", 100).strip() for k in ("key", "label", "colour")})
    for n in range(21):
        if f"tolerance.{n}.loss" not in form:
            break
        points.append([text(form, f"tolerance.{n}.{k}", 40).strip() for k in ("loss", "p")])
    cells = [[text(form, f"cells.{i}.{j}", 40) for j in range(len(impact))] for i in range(len(likelihood))]
    return {"likelihood_labels": likelihood, "impact_labels": impact, "cells": cells,
            "levels": [lv for lv in levels if lv["key"] or lv["label"]],  # blank rows add nothing
            "tolerance": [pt for pt in points if pt[0] or pt[1]],
            "appetite_level": text(form, "appetite_level", 40)}  # fmt: skip


def matrix_payload(values: dict[str, Any]) -> dict[str, Any]:
    """Return the MatrixUpdate body of submitted values (numbers parsed; the schema and service validate)."""
    points = [[_num(loss.replace(",", "")), _num(p)] for loss, p in values["tolerance"]]
    return {**values, "tolerance": points}


def matrix_rows(data: dict[str, Any]) -> dict[str, Any]:
    """Return stored (or submitted) matrix values with the blank rows the form offers for additions."""
    blank_level = {"key": "", "label": "", "colour": "#888888"}
    tolerance = [[_plain(loss), _plain(p)] for loss, p in data["tolerance"]]
    return {**data, "levels": [*data["levels"], *([blank_level] * EXTRA_LEVELS)],
            "tolerance": [*tolerance, *([["", ""]] * EXTRA_POINTS)]}  # fmt: skip


def _plain(value: Any) -> str:
    """Show 1000000.0 as 1000000 and 0.1 as 0.1 (strings as typed)."""
    if isinstance(value, float):
        return f"{value:.15g}" if not value.is_integer() else str(int(value))
    return str(value)
