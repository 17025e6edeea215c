"""The portfolio optimiser: pure NumPy + HiGHS (`highspy`), no database, no web.

Public API
----------
Initiative(key, duration, cost, staff={pool: per-quarter FTE}, value, risk_reduction, value_range, risk_range,
           preds, group, mandatory, deadline, earliest, sponsor)
Problem(initiatives, quarters, budget, capacity={pool: per-quarter FTE}, lam, benefit_years, discount)
    objective = Σ (value + λ · ΔALE · benefit_years) · discount^(completion quarter − 1) over the plan.
validate(problem)                      raises OptimizerInputError(.errors = [(field path, reason)])
solve(problem, time_limit, gap, warm, force, forbid) -> Solution(status, starts, objective, bound, gap, reasons)
    status is "optimal" only with a proven gap of 0; otherwise "within_gap" or "time_limit" with the gap shown;
    "infeasible" comes with reasons (structural, or how much more of which cap in which quarter is needed).
greedy(problem) -> (starts, seconds)   the value-per-cost ranking baseline
evaluate(problem, starts) -> Evaluation  independent re-check: value, totals with ranges, use per cap, violations
explain(problem, starts, probe=…) -> [Rejection]  why each rejected item is out and what it would take
frontier(problem, levels, seconds) -> [FrontierPoint]  value and risk reduction at several budget levels
generate(n, quarters, seed)            the seeded benchmark portfolio
"""

from tandem.strategy.optimizer.check import Evaluation, evaluate, quarter
from tandem.strategy.optimizer.explain import Rejection, explain
from tandem.strategy.optimizer.frontier import LEVELS, FrontierPoint, frontier
from tandem.strategy.optimizer.greedy import greedy
from tandem.strategy.optimizer.problem import BUDGET, Initiative, OptimizerInputError, Problem, validate
from tandem.strategy.optimizer.solver import Solution, solve
from tandem.strategy.optimizer.synthetic import generate

__all__ = [
    "BUDGET",
    "LEVELS",
    "Evaluation",
    "FrontierPoint",
    "Initiative",
    "OptimizerInputError",
    "Problem",
    "Rejection",
    "Solution",
    "evaluate",
    "explain",
    "frontier",
    "generate",
    "greedy",
    "quarter",
    "solve",
    "validate",
]
