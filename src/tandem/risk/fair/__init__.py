"""Open FAIR Monte Carlo engine: pure NumPy/SciPy (compiled with Numba when installed), no database, no web.

Where Numba is installed the engine runs compiled kernels (fused.py: same draws, same statistics as the NumPy
path; TANDEM_FAIR_NUMBA=0 turns them off), and in-process runs use one thread per core (TANDEM_FAIR_THREADS).

Public API
----------
Estimates (calibrated inputs), each validated with located errors:
    Pert(min, mode, max, gamma=4)   Vose beta-PERT: mean (min + gamma*mode + max) / (gamma + 2)
    LogNormal90(low, high)          lognormal whose 5th/95th percentiles are low/high
    Constant(value), Uniform(low, high)
    describe(estimate) -> Description(mean, p5, p95)   analytic, for the form as the analyst types

Scenario(key, primary_loss, lef=…  | tef=… | contact_frequency=…, probability_of_action=…;
         vulnerability=… | tcap=…, rs=…; secondary_probability=…, secondary_loss=…)
    Any Open FAIR entry level; frequencies are rates per year (may exceed 1); V from TCap vs RS by quadrature
    (`vulnerability(tcap, rs, rs_shift)`).
Treatment(tef_factor, vulnerability_factor, rs_shift, primary_loss_factor, secondary_probability_factor,
          secondary_loss_factor, loss_cap)

simulate(scenarios, years=100_000, seed=0, semantics="events" | "product", chunk_years=None, progress=None,
         executor=None) -> PortfolioResult(scenarios: {key: ScenarioResult}, total: ScenarioResult, …)
    ScenarioResult: mean, mean_se, sd, p_loss, p10/p50/p90/p95/p99, tvar95, lec [(loss, P(annual >= loss))]
what_if(scenarios, treatments: {key: Treatment}, cost, …same options) -> WhatIfResult
    baseline and treated on common random numbers, reduction distribution, ROSI with p5/p95 and P(ROSI > 0).

Bad input raises FairInputError(ValueError) whose `.errors` lists (field path, reason). Results are frozen
dataclasses of floats, strings, dicts and lists (`to_dict()` gives JSON-ready data); samples are never kept.
`reference.py` holds the plain implementation the fast path is tested against.
"""

from tandem.risk.fair.engine import simulate
from tandem.risk.fair.errors import FairInputError
from tandem.risk.fair.estimates import Constant, Description, Estimate, LogNormal90, Pert, Uniform, describe
from tandem.risk.fair.results import PortfolioResult, ScenarioResult
from tandem.risk.fair.scenario import Scenario, Treatment
from tandem.risk.fair.vulnerability import vulnerability
from tandem.risk.fair.whatif import WhatIfResult, what_if

__all__ = [
    "Constant",
    "Description",
    "Estimate",
    "FairInputError",
    "LogNormal90",
    "Pert",
    "PortfolioResult",
    "Scenario",
    "ScenarioResult",
    "Treatment",
    "Uniform",
    "WhatIfResult",
    "describe",
    "simulate",
    "vulnerability",
    "what_if",
]
