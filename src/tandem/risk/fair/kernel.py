"""The fast path for one scenario and one chunk of years: compiled plan, draws, and annual losses.

Draws and losses are separate steps so a what-if can apply a treatment to its baseline's very draws
(common random numbers) and the baseline itself is computed by the same code as a plain simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.risk.fair.poisson import poisson_from_uniform
from tandem.risk.fair.sampling import Sampler, sampler_for
from tandem.risk.fair.scenario import Scenario
from tandem.risk.fair.streams import Role, Streams
from tandem.risk.fair.vulnerability import vulnerability

_FREQUENCY_ROLES = (
    ("lef", Role.LEF),
    ("tef", Role.TEF),
    ("contact_frequency", Role.CONTACT_FREQUENCY),
    ("probability_of_action", Role.PROBABILITY_OF_ACTION),
)


@dataclass(frozen=True, eq=False)
class Plan:
    """A validated scenario turned into samplers: frequency factors multiply to LEF, TEF or CF × PoA."""

    scenario: Scenario
    frequency: tuple[tuple[Role, Sampler], ...]
    vulnerability: float | Sampler  # 1.0 when LEF was entered, P(TCap > RS) by quadrature, or drawn per year
    primary: Sampler
    secondary: tuple[Sampler, Sampler] | None  # (probability per loss event, money per secondary event)


def compile_plan(s: Scenario) -> Plan:
    """Return the samplers of a scenario (tables are cached per estimate and process)."""
    frequency = tuple((role, sampler_for(est)) for name, role in _FREQUENCY_ROLES if (est := getattr(s, name)))
    v: float | Sampler = 1.0
    if s.vulnerability is not None:
        v = sampler_for(s.vulnerability)
    elif s.tcap is not None and s.rs is not None:
        v = vulnerability(s.tcap, s.rs)
    secondary = None
    if s.secondary_probability is not None and s.secondary_loss is not None:
        secondary = (sampler_for(s.secondary_probability), sampler_for(s.secondary_loss))
    return Plan(s, frequency, v, sampler_for(s.primary_loss), secondary)


def _draw(sampler: Sampler, streams: Streams, role: Role, n: int) -> np.ndarray:
    return sampler.draw(streams(role), n)


@dataclass(frozen=True, eq=False)
class FrequencyDraws:
    """Per-year frequency draws: the threat-level rate and the vulnerability (scalar or per year)."""

    rate: np.ndarray  # LEF, TEF or CF × PoA
    v: float | np.ndarray

    def lef(self) -> np.ndarray:
        """Return the loss event frequency of each year."""
        return self.rate * self.v


def draw_frequency(plan: Plan, streams: Streams, n: int) -> FrequencyDraws:
    """Draw the frequency factors of n years."""
    rate = np.ones(n)
    for role, sampler in plan.frequency:
        rate *= _draw(sampler, streams, role, n)
    v = plan.vulnerability
    return FrequencyDraws(rate, _draw(v, streams, Role.VULNERABILITY, n) if isinstance(v, Sampler) else v)


@dataclass(frozen=True, eq=False)
class EventDraws:
    """Everything drawn for n years under events semantics; events are ordered by year."""

    n: int
    frequency: FrequencyDraws
    u: np.ndarray  # one uniform per year, inverted into the Poisson count
    counts: np.ndarray
    year: np.ndarray  # the year of each event
    primary: np.ndarray
    secondary_p: np.ndarray | None  # per year
    secondary_u: np.ndarray | None  # per event: a secondary loss happens when u < p
    hit: np.ndarray | None  # per event: whether it has a secondary loss
    secondary: np.ndarray | None  # per secondary event (drawn only for those), in event order


def draw_events(plan: Plan, streams: Streams, n: int) -> EventDraws:
    """Draw n years of events: uncertain rate, Poisson count, and per-event primary and secondary losses."""
    frequency = draw_frequency(plan, streams, n)
    u = streams(Role.COUNT).random(n)
    counts = poisson_from_uniform(frequency.lef(), u)
    year = np.repeat(np.arange(n), counts)
    primary = _draw(plan.primary, streams, Role.PRIMARY_LOSS, year.size)
    p = secondary_u = hit = secondary = None
    if plan.secondary is not None:
        p = _draw(plan.secondary[0], streams, Role.SECONDARY_PROBABILITY, n)
        secondary_u = streams(Role.SECONDARY_HIT).random(year.size)
        hit = secondary_u < p.take(year)
        secondary = _draw(plan.secondary[1], streams, Role.SECONDARY_LOSS, int(np.count_nonzero(hit)))
    return EventDraws(n, frequency, u, counts, year, primary, p, secondary_u, hit, secondary)


def event_losses(d: EventDraws) -> np.ndarray:
    """Return each year's loss: the sum of its events' primary and (when they happen) secondary losses."""
    loss = d.primary
    if d.hit is not None and d.secondary is not None:
        loss = loss.copy()
        loss[d.hit] += d.secondary
    return np.bincount(d.year, weights=loss, minlength=d.n)


@dataclass(frozen=True, eq=False)
class ProductDraws:
    """Everything drawn for n years under product semantics (one draw of each factor per year)."""

    n: int
    frequency: FrequencyDraws
    primary: np.ndarray
    secondary_p: np.ndarray | None
    secondary: np.ndarray | None


def draw_product(plan: Plan, streams: Streams, n: int) -> ProductDraws:
    """Draw n years of factors for product semantics (pyfair-style LEF × LM)."""
    frequency = draw_frequency(plan, streams, n)
    primary = _draw(plan.primary, streams, Role.PRIMARY_LOSS, n)
    p = secondary = None
    if plan.secondary is not None:
        p = _draw(plan.secondary[0], streams, Role.SECONDARY_PROBABILITY, n)
        secondary = _draw(plan.secondary[1], streams, Role.SECONDARY_LOSS, n)
    return ProductDraws(n, frequency, primary, p, secondary)


def product_losses(d: ProductDraws) -> np.ndarray:
    """Return each year's loss as LEF × (PL + SLEF × SLM), as pyfair computes it."""
    magnitude = d.primary if d.secondary is None or d.secondary_p is None else d.primary + d.secondary_p * d.secondary
    return d.frequency.lef() * magnitude


def simulate_plan(plan: Plan, seed: int, years: int, semantics: str, chunk_years: int) -> np.ndarray:
    """Return the annual losses of one scenario, drawing `chunk_years` years at a time (same numbers either way)."""
    streams = Streams(seed, plan.scenario.key)
    out = np.empty(years)
    for start in range(0, years, chunk_years):
        n = min(chunk_years, years - start)
        if semantics == "events":
            out[start : start + n] = event_losses(draw_events(plan, streams, n))
        else:
            out[start : start + n] = product_losses(draw_product(plan, streams, n))
    return out
