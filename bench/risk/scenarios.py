"""A reproducible set of plausible generated scenarios at every entry level, and its pyfair counterparts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tandem.risk.fair import Estimate, LogNormal90, Pert, Scenario


def _pert(rng: np.random.Generator, low: float, high: float, log: bool = False) -> Pert:
    a, m, b = np.sort(np.exp(rng.uniform(np.log(low), np.log(high), 3)) if log else rng.uniform(low, high, 3))
    return Pert(float(a), float(m), float(b))


def _money(rng: np.random.Generator, low: float, high: float) -> Estimate:
    if rng.random() < 0.5:
        return _pert(rng, low, high, log=True)
    lo = float(np.exp(rng.uniform(np.log(low), np.log(high / 10))))
    return LogNormal90(lo, lo * float(rng.uniform(5, 50)))


def make_scenarios(n: int, seed: int = 2024) -> list[Scenario]:
    """Return n scenarios cycling through LEF, TEF × V, CF × PoA × V and TEF × (TCap vs RS) entry."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 4
        frequency: dict[str, Estimate] = {}
        if kind == 0:
            frequency["lef"] = _pert(rng, 0.02, 3.0, log=True)
        elif kind == 1:
            frequency |= {"tef": _pert(rng, 0.1, 12.0, log=True), "vulnerability": _pert(rng, 0.05, 0.9)}
        elif kind == 2:
            frequency |= {
                "contact_frequency": _pert(rng, 1.0, 50.0, log=True),
                "probability_of_action": _pert(rng, 0.05, 0.5),
                "vulnerability": _pert(rng, 0.05, 0.9),
            }
        else:
            frequency |= {"tef": _pert(rng, 0.5, 20.0, log=True), "tcap": _pert(rng, 20, 95), "rs": _pert(rng, 30, 95)}
        secondary: dict[str, Estimate] = {}
        if rng.random() < 0.67:
            secondary = {"secondary_probability": _pert(rng, 0.02, 0.6), "secondary_loss": _money(rng, 1e4, 1e7)}
        out.append(Scenario(f"s{i:04d}", primary_loss=_money(rng, 1e3, 1e6), **frequency, **secondary))
    return out


_PYFAIR_NODES = {
    "lef": "Loss Event Frequency",
    "tef": "Threat Event Frequency",
    "contact_frequency": "Contact Frequency",
    "probability_of_action": "Probability of Action",
    "vulnerability": "Vulnerability",
    "tcap": "Threat Capability",
    "rs": "Control Strength",
    "primary_loss": "Primary Loss",
    "secondary_probability": "Secondary Loss Event Frequency",
    "secondary_loss": "Secondary Loss Event Magnitude",
}


def pyfair_risk(s: Scenario, years: int, seed: int) -> np.ndarray:
    """Build, run and return the Risk column of the pyfair model of a scenario (its own seed, not 42).

    pyfair has no lognormal input: those nodes get raw numpy lognormal draws (inside the timed region;
    pyfair also copies raw inputs into a list for its JSON, a cost of its design that we keep).
    TCap and RS are on a 0–100 scale here and on 0–1 in pyfair.
    """
    from pyfair import FairModel

    model = FairModel(name=s.key, n_simulations=years, random_seed=seed)
    rng = np.random.default_rng(seed)
    for field, node in _PYFAIR_NODES.items():
        est = getattr(s, field)
        if est is None:
            continue
        scale = 0.01 if field in ("tcap", "rs") else 1.0
        if isinstance(est, Pert):
            model.input_data(node, low=est.min * scale, mode=est.mode * scale, high=est.max * scale, gamma=est.gamma)
        elif isinstance(est, LogNormal90):
            mu, sigma = est.params()
            model.input_raw_data(node, pd.Series(rng.lognormal(mu, sigma, years)))  # it rejects ndarrays
        else:
            raise TypeError(f"no pyfair input for {est!r}")
    if s.secondary_loss is None:
        model.input_data("Secondary Loss", constant=0.0)  # pyfair's tree needs the node even when it is zero
    model.calculate_all()
    return model.export_results()["Risk"].to_numpy()
