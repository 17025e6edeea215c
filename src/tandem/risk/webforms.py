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
