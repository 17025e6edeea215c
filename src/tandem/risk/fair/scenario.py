"""Loss scenarios entered at any Open FAIR level, and the treatments a what-if applies to them."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields

from tandem.risk.fair.errors import FairInputError, prefixed
from tandem.risk.fair.estimates import Domain, Estimate, check_estimate

_DOMAINS: dict[str, Domain] = {
    "lef": "rate",
    "tef": "rate",
    "contact_frequency": "rate",
    "probability_of_action": "probability",
    "vulnerability": "probability",
    "tcap": "real",
    "rs": "real",
    "primary_loss": "money",
    "secondary_probability": "probability",
    "secondary_loss": "money",
}


@dataclass(frozen=True)
class Scenario:
    """One loss scenario: a frequency route (LEF, TEF × V or CF × PoA × V; V direct or TCap vs RS) and magnitudes.

    Frequencies are rates in events per year and may exceed 1. `secondary_probability` is the share of loss
    events that also cause a secondary loss (SLEF), `secondary_loss` the money lost per secondary event.
    """

    key: str
    primary_loss: Estimate
    lef: Estimate | None = None
    tef: Estimate | None = None
    contact_frequency: Estimate | None = None
    probability_of_action: Estimate | None = None
    vulnerability: Estimate | None = None
    tcap: Estimate | None = None
    rs: Estimate | None = None
    secondary_probability: Estimate | None = None
    secondary_loss: Estimate | None = None

    def __post_init__(self) -> None:
        errors = check_scenario(self)
        if errors:
            raise FairInputError(errors)

    def derives_vulnerability(self) -> bool:
        """Tell whether V comes from threat capability against resistance strength."""
        return self.tcap is not None


def _given(s: Scenario, *names: str) -> list[str]:
    return [n for n in names if getattr(s, n) is not None]


def _route_errors(s: Scenario) -> list[tuple[str, str]]:
    """Check that exactly one consistent entry level was used."""
    if s.lef is not None:
        extra = _given(s, "tef", "contact_frequency", "probability_of_action", "vulnerability", "tcap", "rs")
        return [(n, "give either lef or its factors, not both") for n in extra]
    errors: list[tuple[str, str]] = []
    if s.tef is not None:
        errors += [(n, "give either tef or its factors, not both") for n in _given(s, "contact_frequency")]
        errors += [(n, "give either tef or its factors, not both") for n in _given(s, "probability_of_action")]
    elif s.contact_frequency is None and s.probability_of_action is None:
        return [("lef", "give lef, tef, or contact_frequency with probability_of_action")]
    else:
        missing = [n for n in ("contact_frequency", "probability_of_action") if getattr(s, n) is None]
        errors += [(n, "required with the other factor of tef") for n in missing]
    if s.vulnerability is not None:
        errors += [(n, "give either vulnerability or tcap and rs, not both") for n in _given(s, "tcap", "rs")]
    elif s.tcap is None and s.rs is None:
        errors.append(("vulnerability", "required with tef (or give tcap and rs)"))
    else:
        errors += [
            (n, "required with the other factor of vulnerability") for n in ("tcap", "rs") if getattr(s, n) is None
        ]
    return errors


def check_scenario(s: Scenario) -> list[tuple[str, str]]:
    """Return the located errors of a scenario (empty when it is valid)."""
    errors: list[tuple[str, str]] = []
    if not isinstance(s.key, str) or not s.key:
        errors.append(("key", "must be a non-empty string"))
    for name, domain in _DOMAINS.items():
        value = getattr(s, name)
        if value is not None:
            errors += prefixed(name, check_estimate(value, domain))
    if s.primary_loss is None:
        errors.append(("primary_loss", "required"))
    if (s.secondary_probability is None) != (s.secondary_loss is None):
        missing = "secondary_loss" if s.secondary_loss is None else "secondary_probability"
        errors.append((missing, "secondary_probability and secondary_loss go together"))
    return errors + _route_errors(s)


@dataclass(frozen=True)
class Treatment:
    """Named factor changes a control makes to a scenario (1.0 / 0.0 / None mean unchanged).

    `tef_factor` scales the threat event frequency (LEF when LEF was entered directly), `vulnerability_factor`
    scales V (capped at 1), `rs_shift` adds points to resistance strength (scenarios with tcap and rs),
    `loss_cap` caps the money lost per loss event (primary plus secondary), e.g. at an insurance limit.
    """

    tef_factor: float = 1.0
    vulnerability_factor: float = 1.0
    rs_shift: float = 0.0
    primary_loss_factor: float = 1.0
    secondary_probability_factor: float = 1.0
    secondary_loss_factor: float = 1.0
    loss_cap: float | None = None

    def __post_init__(self) -> None:
        errors = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                errors.append((f.name, "must be a finite number"))
            elif f.name == "loss_cap" and value <= 0:
                errors.append((f.name, "must be positive"))
            elif f.name.endswith("_factor") and value < 0:
                errors.append((f.name, "must not be negative"))
        if errors:
            raise FairInputError(errors)

    def check_for(self, s: Scenario) -> list[tuple[str, str]]:
        """Return the errors of applying this treatment to scenario `s`."""
        if self.rs_shift and not s.derives_vulnerability():
            return [("rs_shift", "needs a scenario with tcap and rs")]
        return []
