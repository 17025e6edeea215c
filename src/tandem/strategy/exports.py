"""The plan as CSV (one row per initiative) and as a one-page board PDF."""

from __future__ import annotations

from typing import Any

from tandem.platform.documents.pdf import BarChart, Heading, KeyValues, Paragraph, Table, build_pdf
from tandem.platform.safety.csvsafe import write_csv
from tandem.strategy.models import Plan

HEADER = ["initiative", "sponsor", "decision", "start", "end", "cost", "business_value", "risk_reduction_per_year",
          "greedy_start", "reason"]  # fmt: skip
BOARD_ROWS = 14  # what fits on one landscape page with the summary and the frontier


def _quarter(labels: list[str], q: int | None) -> str:
    return labels[q] if q is not None and 0 <= q < len(labels) else ""


def rows(plan: Plan) -> list[list[Any]]:
    """Return one row per initiative: funded ones by start quarter, then the rejected ones with their reason."""
    res = plan.result
    info, starts, labels = res.get("info", {}), res.get("starts", {}), res.get("labels", [])
    greedy = res.get("greedy", {}).get("starts", {})
    out: list[list[Any]] = []
    for key, start in sorted(starts.items(), key=lambda kv: (kv[1], info[kv[0]]["title"])):
        i = info[key]
        out.append([i["title"], i["sponsor"], "funded", _quarter(labels, start),
                    _quarter(labels, start + i["duration"] - 1), round(i["cost"]), round(i["value"]), round(i["risk"]),
                    _quarter(labels, greedy.get(key)), ""])  # fmt: skip
    for r in res.get("rejections", []):
        i = info[r["id"]]
        out.append([i["title"], i["sponsor"], "not funded", "", "", round(i["cost"]), round(i["value"]),
                    round(i["risk"]), _quarter(labels, r.get("greedy_start")), "; ".join(r["reasons"])])  # fmt: skip
    return out


def plan_csv(plan: Plan) -> str:
    """Return the plan as CSV (cells that look like formulas are escaped)."""
    return write_csv(rows(plan), HEADER)


def _money(value: Any, currency: str) -> str:
    return f"{float(value or 0):,.0f} {currency}"


def plan_pdf(plan: Plan) -> bytes:
    """Return a one-page board summary: totals vs greedy, the solver's honesty line, the roadmap, the frontier."""
    res = plan.result
    cur = res.get("currency", "")
    totals, greedy = res.get("totals", {}), res.get("greedy", {}).get("totals", {})
    gain = res.get("gain")
    unfunded = [r for r in res.get("rejections", []) if r.get("risk", 0) > 0]
    pairs = [
        ("Funded initiatives", f"{len(res.get('starts', {}))} of {len(res.get('info', {}))}"),
        ("Spend over the horizon", _money(totals.get("spend"), cur)),
        ("Business value", _money(totals.get("value"), cur)),
        ("Risk reduction (ΔALE)", f"{_money(totals.get('risk_reduction'), cur)} per year"),
        ("Risk left unfunded", f"{_money(sum(r['risk'] for r in unfunded), cur)} per year ({len(unfunded)} items)"),
        ("Policy", f"λ = {res.get('lam')} (risk money weight), {res.get('benefit_years')} years of benefit"),
        ("Solver", str(res.get("describe", ""))),
        ("Against value-per-cost ranking", f"+{gain:.1%} risk-adjusted value" if gain is not None else "n/a"),
        ("Approval", plan.approval),
    ]
    table = [[r[0], r[1], r[3], r[4], r[5], r[7]] for r in rows(plan) if r[2] == "funded"][:BOARD_ROWS]
    blocks: list[Any] = [KeyValues(pairs), Heading("Roadmap (first rows)"),
                         Table(["Initiative", "Sponsor", "Start", "End", "Cost", "ΔALE / yr"],
                               [[str(c) for c in row] for row in table])]  # fmt: skip
    if plan.frontier:
        blocks.append(
            BarChart(
                "Efficient frontier: risk-adjusted value by budget level",
                [(f"x{p['multiplier']:.1f}", float(p["objective"])) for p in plan.frontier],
            )
        )
    blocks.append(Paragraph(f"Greedy ranking for comparison: value {_money(greedy.get('value'), cur)}, "
                            f"ΔALE {_money(greedy.get('risk_reduction'), cur)} per year."))  # fmt: skip
    return build_pdf(f"IT and security plan: {plan.name}", blocks, subtitle="Board summary", landscape=True)
