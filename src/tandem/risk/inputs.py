"""Open FAIR inputs as JSON ⇄ the engine's estimates and treatments, with located errors (pure, no framework)."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from tandem.risk.fair import Constant, Estimate, FairInputError, LogNormal90, Pert, Scenario, Treatment, Uniform

FACTORS = (
    "lef",
    "tef",
    "contact_frequency",
    "probability_of_action",
    "vulnerability",
    "tcap",
    "rs",
    "primary_loss",
    "secondary_probability",
    "secondary_loss",
)
ESTIMATE_FIELDS: dict[str, tuple[type, tuple[str, ...], tuple[str, ...]]] = {
    "pert": (Pert, ("min", "mode", "max"), ("gamma",)),
    "lognormal90": (LogNormal90, ("low", "high"), ()),
    "constant": (Constant, ("value",), ()),
    "uniform": (Uniform, ("low", "high"), ()),
}
EFFECT_FIELDS = (
    "tef_factor",
    "vulnerability_factor",
    "rs_shift",
    "primary_loss_factor",
    "secondary_probability_factor",
    "secondary_loss_factor",
    "loss_cap",
)

Errors = list[tuple[str, str]]


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def parse_estimate(raw: Any) -> tuple[Estimate | None, Errors]:
    """Turn {"type": "pert", "min": 1, "mode": 2, "max": 5} into an estimate; errors are relative paths."""
    if not isinstance(raw, dict):
        return None, [("", "must be an object with a type (pert, lognormal90, constant, uniform)")]
    kind = raw.get("type")
    if kind not in ESTIMATE_FIELDS:
        return None, [("type", f"must be one of {', '.join(ESTIMATE_FIELDS)}")]
    cls, required, optional = ESTIMATE_FIELDS[kind]
    errors: Errors = [(k, "unknown field") for k in raw if k not in ("type", *required, *optional)]
    errors += [(k, "required") for k in required if k not in raw]
    errors += [(k, "must be a finite number") for k in (*required, *optional) if k in raw and not _number(raw[k])]
    if errors:
        return None, errors
    return cls(**{k: float(raw[k]) for k in (*required, *optional) if k in raw}), []


def estimate_to_json(est: Estimate) -> dict[str, Any]:
    """Return the JSON form of an estimate."""
    for kind, (cls, required, optional) in ESTIMATE_FIELDS.items():
        if isinstance(est, cls):
            return {"type": kind, **{k: getattr(est, k) for k in (*required, *optional)}}
    raise TypeError(f"not an estimate: {est!r}")


def _prefixed(prefix: str, errors: Errors) -> Errors:
    return [(f"{prefix}.{p}" if p else prefix, r) for p, r in errors]


def to_scenario(key: str, fair: Any) -> Scenario:
    """Build an engine scenario from stored JSON; raise FairInputError with paths like 'tef.max'."""
    if not isinstance(fair, dict):
        raise FairInputError([("", "must be an object of factor estimates")])
    errors: Errors = [(k, f"unknown factor; use {', '.join(FACTORS)}") for k in fair if k not in FACTORS]
    values: dict[str, Estimate] = {}
    for name in FACTORS:
        if fair.get(name) is None:
            continue
        est, errs = parse_estimate(fair[name])
        errors += _prefixed(name, errs)
        if est is not None:
            values[name] = est
    if errors:
        raise FairInputError(errors)
    if "primary_loss" not in values:
        raise FairInputError([("primary_loss", "required")])
    return Scenario(key=key, **values)


def check_fair(fair: Any) -> Errors:
    """Return the located errors of FAIR inputs (empty when valid)."""
    try:
        to_scenario("check", fair)
    except FairInputError as exc:
        return exc.errors
    return []


def to_treatment(effect: Any) -> Treatment:
    """Build an engine treatment from an effect object; raise FairInputError with the field."""
    if not isinstance(effect, dict):
        raise FairInputError([("", "must be an object")])
    unknown = [(k, f"unknown effect; use {', '.join(EFFECT_FIELDS)}") for k in effect if k not in EFFECT_FIELDS]
    if unknown:
        raise FairInputError(unknown)
    return Treatment(**{k: v for k, v in effect.items() if v is not None})


def combine(effects: list[Treatment]) -> Treatment:
    """Return one treatment with the joint effect of several (factors multiply, shifts add, caps take the lowest)."""
    caps = [t.loss_cap for t in effects if t.loss_cap is not None]
    return Treatment(
        tef_factor=math.prod(t.tef_factor for t in effects),
        vulnerability_factor=math.prod(t.vulnerability_factor for t in effects),
        rs_shift=sum(t.rs_shift for t in effects),
        primary_loss_factor=math.prod(t.primary_loss_factor for t in effects),
        secondary_probability_factor=math.prod(t.secondary_probability_factor for t in effects),
        secondary_loss_factor=math.prod(t.secondary_loss_factor for t in effects),
        loss_cap=min(caps) if caps else None,
    )


def inputs_hash(fair: Any) -> str:
    """Return a stable fingerprint of FAIR inputs (to tell whether a stored result is stale)."""
    return hashlib.sha256(json.dumps(fair, sort_keys=True, default=str).encode()).hexdigest()
