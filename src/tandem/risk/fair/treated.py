"""Treated losses computed from a baseline's own draws (common random numbers).

Under events semantics the treated year keeps the first k of the baseline year's events, where k inverts the
same uniform at the treated rate; a treatment that only lowers frequency or magnitudes therefore never
raises any simulated year's loss. Events beyond the baseline's count (a treatment raising frequency) are
drawn from separate excess streams, so the baseline's numbers stay untouched.
"""

from __future__ import annotations

import numpy as np

from tandem.risk.fair.kernel import EventDraws, FrequencyDraws, Plan, ProductDraws
from tandem.risk.fair.poisson import poisson_from_uniform
from tandem.risk.fair.scenario import Treatment
from tandem.risk.fair.streams import Role, Streams
from tandem.risk.fair.vulnerability import vulnerability


def treated_v(plan: Plan, t: Treatment) -> float | None:
    """Return the vulnerability after an RS shift by quadrature, or None when V is unchanged by it."""
    s = plan.scenario
    if t.rs_shift and s.tcap is not None and s.rs is not None:
        return vulnerability(s.tcap, s.rs, float(t.rs_shift))
    return None


def _treated_lef(f: FrequencyDraws, t: Treatment, v_shifted: float | None) -> np.ndarray:
    v = f.v if v_shifted is None else v_shifted
    if t.vulnerability_factor != 1.0:
        v = np.minimum(v * t.vulnerability_factor, 1.0)
    return f.rate * t.tef_factor * v


def magnitudes(
    t: Treatment, primary: np.ndarray, p: np.ndarray | None, u: np.ndarray | None, secondary: np.ndarray | None
) -> np.ndarray:
    """Return treated per-event losses from drawn primary and secondary losses (same draws as the baseline)."""
    loss = primary * t.primary_loss_factor
    if p is not None and u is not None and secondary is not None:
        hit = u < np.minimum(p * t.secondary_probability_factor, 1.0)
        loss = loss + np.where(hit, secondary * t.secondary_loss_factor, 0.0)
    return loss if t.loss_cap is None else np.minimum(loss, t.loss_cap)


def treated_event_losses(d: EventDraws, plan: Plan, t: Treatment, streams: Streams) -> np.ndarray:
    """Return the treated annual losses of the years drawn in `d`."""
    counts = poisson_from_uniform(_treated_lef(d.frequency, t, treated_v(plan, t)), d.u)
    starts = np.cumsum(d.counts) - d.counts
    keep = np.arange(d.year.size) - starts.take(d.year) < counts.take(d.year)
    year = d.year[keep]
    loss = d.primary[keep] * t.primary_loss_factor
    if plan.secondary is not None:
        loss = loss + _treated_secondary(d, plan, t, keep, year, streams)
    if t.loss_cap is not None:
        loss = np.minimum(loss, t.loss_cap)
    annual = np.bincount(year, weights=loss, minlength=d.n)
    extra = np.maximum(counts - d.counts, 0)
    if extra.any():
        annual += _excess_losses(d, plan, t, streams, extra)
    return annual


def _treated_secondary(
    d: EventDraws, plan: Plan, t: Treatment, keep: np.ndarray, year: np.ndarray, streams: Streams
) -> np.ndarray:
    """Return the kept events' treated secondary losses, reusing the baseline's draws where it had one."""
    assert d.secondary_u is not None and d.secondary_p is not None and d.hit is not None and d.secondary is not None
    assert plan.secondary is not None
    hit = d.secondary_u[keep] < np.minimum(d.secondary_p.take(year) * t.secondary_probability_factor, 1.0)
    had = d.hit[keep]
    out = np.zeros(year.size)
    shared = hit & had
    out[shared] = d.secondary[(np.cumsum(d.hit) - 1)[keep][shared]]
    new = hit & ~had  # a treatment raising SLEF: draws from their own stream, the baseline's stay aligned
    if new.any():
        out[new] = plan.secondary[1].draw(streams(Role.EXTRA_SECONDARY_LOSS), int(np.count_nonzero(new)))
    return out * t.secondary_loss_factor


def _excess_losses(d: EventDraws, plan: Plan, t: Treatment, streams: Streams, extra: np.ndarray) -> np.ndarray:
    """Return the losses of treated events beyond the baseline's count, from the excess streams."""
    year = np.repeat(np.arange(d.n), extra)
    primary = plan.primary.draw(streams(Role.EXCESS_PRIMARY_LOSS), year.size)
    p = u = secondary = None
    if plan.secondary is not None and d.secondary_p is not None:
        p = d.secondary_p.take(year)
        u = streams(Role.EXCESS_SECONDARY_HIT).random(year.size)
        secondary = plan.secondary[1].draw(streams(Role.EXCESS_SECONDARY_LOSS), year.size)
    return np.bincount(year, weights=magnitudes(t, primary, p, u, secondary), minlength=d.n)


def treated_product_losses(d: ProductDraws, plan: Plan, t: Treatment) -> np.ndarray:
    """Return treated annual losses under product semantics: treated LEF × treated (capped) magnitude."""
    magnitude = d.primary * t.primary_loss_factor
    if d.secondary_p is not None and d.secondary is not None:
        p = np.minimum(d.secondary_p * t.secondary_probability_factor, 1.0)
        magnitude = magnitude + p * d.secondary * t.secondary_loss_factor
    if t.loss_cap is not None:
        magnitude = np.minimum(magnitude, t.loss_cap)
    return _treated_lef(d.frequency, t, treated_v(plan, t)) * magnitude
