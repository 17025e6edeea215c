"""What each section of a board pack says, in business language, computed from the snapshot alone.

Both documents (PDF and HTML) and the pack page render these views, so they always say the same thing, and a
published pack renders again from its stored snapshot without reading the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tandem.platform.documents.pdf import BarChart, LineChart, Roadmap, Series, StackedBars

Chart = LineChart | StackedBars | Roadmap | BarChart


@dataclass
class Table:
    """A small table with a caption."""

    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class SectionView:
    """One section as the documents show it: sentences, key figures, tables, charts and the commentary."""

    key: str
    title: str
    commentary: str = ""
    lead: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    asks: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)


def money(value: Any, currency: str) -> str:
    """Return an amount as the board reads it: "USD 4,213,000"."""
    return f"{currency} {float(value or 0):,.0f}"


def pct(rate: Any) -> str:
    """Return a 0..1 rate as a percentage with one decimal: "88.2%"."""
    return f"{100.0 * float(rate or 0):.1f}%"


def plural(n: int, word: str, many: str = "") -> str:
    """Return "1 incident" / "3 incidents"."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def exceedances(lec: list[list[float]], tolerance: list[list[float]]) -> list[dict[str, float]]:
    """Return the tolerance points the loss exceedance curve lies above (P(loss >= x) above what is accepted)."""
    out = []
    for loss, max_p in tolerance:
        p = next((q for x, q in lec if x >= loss), 0.0)
        if lec and loss < lec[0][0]:
            p = lec[0][1]
        if p > max_p:
            out.append({"loss": loss, "max_p": max_p, "p": p})
    return out


def _date(iso: str | None) -> str:
    return iso[:10] if iso else "-"


def _risk_state(risk: dict[str, Any], cur: str) -> str:
    if not risk.get("tolerance"):
        return "No loss tolerance has been set, so exposure cannot be compared with appetite."
    over = exceedances(risk.get("lec", []), risk["tolerance"])
    if not over:
        return "Exposure is within the loss tolerance the board accepted at every point of the curve."
    worst = max(over, key=lambda o: o["p"] - o["max_p"])
    return (f"Exposure exceeds the loss tolerance at {plural(len(over), 'point')} of {len(risk['tolerance'])}: "
            f"the chance of losing {money(worst['loss'], cur)} or more in a year is {pct(worst['p'])}, "
            f"against {pct(worst['max_p'])} accepted.")  # fmt: skip


def _trend(snapshot: dict[str, Any], risk: dict[str, Any], cur: str) -> str:
    previous = snapshot.get("previous") or {}
    if previous.get("ale"):
        change = (risk["ale"] - previous["ale"]) / previous["ale"]
        way = "up" if change > 0.005 else "down" if change < -0.005 else "unchanged"
        return (f"Expected annual loss is {way}{'' if way == 'unchanged' else f' {abs(change):.1%}'} since the "
                f"{previous['quarter']} pack ({money(previous['ale'], cur)}).")  # fmt: skip
    trend = risk.get("trend", [])
    if len(trend) > 1 and trend[0]["ale"]:
        change = (trend[-1]["ale"] - trend[0]["ale"]) / trend[0]["ale"]
        return f"Expected annual loss moved {change:+.1%} since the simulation of {_date(trend[0]['at'])}."
    return "This is the first measurement; the trend starts with the next pack."


def summary(snapshot: dict[str, Any], views: dict[str, SectionView]) -> SectionView:
    """Return the one-page summary: exposure vs appetite, trend, what was done, what is asked."""
    data, cur = snapshot["data"], snapshot["data"].get("currency", "USD")
    view = SectionView("summary", "")
    risk = data.get("risk", {})
    if risk.get("available"):
        view.lead.append(f"Expected annual loss from cyber risk is {money(risk['ale'], cur)}; in a bad year (1 in 20) "
                         f"losses could reach {money(risk['p95'], cur)}.")  # fmt: skip
        view.lead.append(_risk_state(risk, cur))
        view.lead.append(_trend(snapshot, risk, cur))
        view.facts.append(("Expected annual loss", money(risk["ale"], cur)))
        view.facts.append(("1-in-20-year loss", money(risk["p95"], cur)))
    else:
        view.lead.append("Cyber risk has not been quantified in money yet: no portfolio simulation exists.")
    comp = data.get("compliance", {})
    for fw in comp.get("frameworks", []):
        view.facts.append((f"{fw['name']} coverage", f"{fw['pct']:.1f}%"))
    inc = data.get("incidents", {})
    view.facts.append(("Open incidents", str(inc.get("open", 0))))
    people = data.get("people", {})
    if people.get("assigned"):
        view.facts.append(("Training completion", pct(people["rate"])))
    for key in ("strategy", "risk", "compliance", "incidents", "vendors", "people"):
        if key in views:
            view.done.extend(views[key].done)
            view.asks.extend(views[key].asks)
    if not view.done:
        view.done.append("Nothing recorded as completed this quarter.")
    if not view.asks:
        view.asks.append("No decision is needed from the board this quarter.")
    return view


def strategy(snapshot: dict[str, Any]) -> SectionView:
    """Return the plan, the roadmap, initiatives by status and the decision log."""
    data, cur = snapshot["data"].get("strategy", {}), snapshot["data"].get("currency", "USD")
    view = SectionView("strategy", "")
    if not data.get("available"):
        view.lead.append("No initiatives, plan or decisions are recorded yet.")
        return view
    plan = data.get("plan")
    if plan:
        pcur = plan.get("currency") or cur
        view.lead.append(f"The plan \"{plan['name']}\" funds {plan['funded']} of {plan['candidates']} candidate "
                         f"initiatives for {money(plan['spend'], pcur)}, buying {money(plan['value'], pcur)} of "
                         f"business value and {money(plan['risk_reduction'], pcur)} less expected loss per year. "
                         f"Approval: {plan['approval']}.")  # fmt: skip
        if plan["roadmap"]:
            view.charts.append(Roadmap("Plan roadmap (first funded initiatives)", plan["periods"],
                                       [(r["title"], r["start"], r["end"]) for r in plan["roadmap"]]))  # fmt: skip
        if plan["approval"] != "approved":
            view.asks.append(f'Approve the plan "{plan["name"]}" ({money(plan["spend"], pcur)}).')
    else:
        view.lead.append("No optimised plan has been computed yet.")
    counts = data.get("initiatives", {})
    view.facts = [(f"Initiatives {status.replace('_', ' ')}", str(n)) for status, n in counts.items()]
    view.done.extend(f"Initiative completed: {title}." for title in data.get("done_in_quarter", []))
    decided = data.get("decided_in_quarter", [])
    view.done.extend(f"Decided: {d['question']} - {d['decision'] or d['status']}." for d in decided)
    open_rows = data.get("open_decisions", [])
    view.asks.extend(f"Decide: {d['question']}" for d in open_rows if d["kind"] != "plan_approval")
    if decided or open_rows:
        rows = [[d["question"], d["status"], d["decision"], _date(d["on"])] for d in decided]
        rows += [[d["question"], "open", "", ""] for d in open_rows]
        view.tables.append(Table("Decision log", ["Question", "Status", "Decision", "On"], rows))
    return view


def risk(snapshot: dict[str, Any]) -> SectionView:
    """Return the loss exceedance curve against tolerance, the trend and the largest contributors."""
    data, cur = snapshot["data"].get("risk", {}), snapshot["data"].get("currency", "USD")
    view = SectionView("risk", "")
    if not data.get("available"):
        n = data.get("open_scenarios", 0)
        view.lead.append(f"No portfolio simulation yet ({plural(n, 'open scenario')} recorded); "
                         "exposure cannot be stated in money.")  # fmt: skip
        return view
    simulated = data.get("simulated_scenarios", data["open_scenarios"])
    view.lead.append(f"{plural(simulated, 'risk scenario')} of {data['open_scenarios']} open ones quantified, "
                     f"simulated over {data['years']:,} years on {_date(data['simulated_at'])}.")  # fmt: skip
    view.lead.append(_risk_state(data, cur))
    view.facts = [("Expected annual loss (mean)", money(data["ale"], cur)), ("1 in 10 years", money(data["p90"], cur)),
                  ("1 in 20 years", money(data["p95"], cur)), ("1 in 100 years", money(data["p99"], cur)),
                  ("Active treatments", f"{data['treatments_active']} costing {money(data['treatments_cost'], cur)} "
                                        "a year")]  # fmt: skip
    series = [Series("Annual loss exposure", [(x, p) for x, p in data["lec"]])]
    if data.get("tolerance"):
        series.append(Series("Loss tolerance", [(x, p) for x, p in data["tolerance"]], dashed=True))
    view.charts.append(
        LineChart(
            "Loss exceedance curve: chance of losing at least this much in a year",
            series,
            f"Annual loss ({cur}, log scale)",
            "Probability",
            log_x=True,
            y_percent=True,
        )
    )
    trend = data.get("trend", [])
    view.charts.append(LineChart("Risk trend: expected annual loss per simulation",
                                 [Series("Expected annual loss", [(float(n), t["ale"]) for n, t in enumerate(trend)])],
                                 x_ticks=[(float(n), _date(t["at"])) for n, t in enumerate(trend)]))  # fmt: skip
    if data.get("top"):
        view.tables.append(
            Table(
                "Largest contributors",
                ["Scenario", "Expected annual loss", "Share"],
                [[t["title"], money(t["ale"], cur), pct(t["share"])] for t in data["top"]],
            )
        )
    for a in data.get("accepted_in_quarter", []):
        view.done.append(f"Risk accepted: {a['title']} (by {a['by']}, until {_date(a['until'])}).")
    if data.get("tolerance") and exceedances(data["lec"], data["tolerance"]):
        view.asks.append("Exposure is above tolerance: fund further treatment or formally accept the excess.")
    return view


def compliance(snapshot: dict[str, Any]) -> SectionView:
    """Return coverage per framework and the open remediation items."""
    data = snapshot["data"].get("compliance", {})
    view = SectionView("compliance", "")
    if not data.get("available"):
        view.lead.append("No controls are mapped to a framework yet, so coverage cannot be shown.")
        return view
    for fw in data["frameworks"]:
        view.lead.append(f"{fw['name']}: {fw['pct']:.1f}% of {fw['total']} requirements covered by implemented "
                         f"controls, {fw['partial']} partly, {fw['gap']} not at all.")  # fmt: skip
    view.facts = [("Open remediation items (POA&M)", str(data["poam_open"])),
                  ("Overdue at quarter end", str(data["poam_overdue"]))]  # fmt: skip
    view.charts.append(StackedBars("Requirement coverage per framework", ["covered", "partial", "gap"],
                                   [(fw["name"], [fw["covered"], fw["partial"], fw["gap"]])
                                    for fw in data["frameworks"]]))  # fmt: skip
    return view


def incidents(snapshot: dict[str, Any]) -> SectionView:
    """Return open incidents, the quarter's incidents and notification obligations."""
    data = snapshot["data"].get("incidents", {})
    view = SectionView("incidents", "")
    if not data.get("available") or not (data.get("open") or data.get("reported_in_quarter")):
        view.lead.append("No incidents this quarter.")
        view.facts = [("Open incidents", str(data.get("open", 0)))]
        return view
    view.lead.append(f"{plural(data['reported_in_quarter'], 'incident')} reported and {data['closed_in_quarter']} "
                     f"closed this quarter; {data['open']} open now.")  # fmt: skip
    view.facts = [("Open incidents", str(data["open"])),
                  ("Notifications still to send", str(data["obligations_open"])),
                  ("Notifications overdue", str(data["obligations_overdue"])),
                  ("Notifications sent this quarter", str(data["obligations_sent_in_quarter"]))]  # fmt: skip
    if data["open_list"]:
        view.tables.append(
            Table(
                "Open incidents",
                ["Incident", "Severity", "Status", "Reported"],
                [[i["title"], i["severity"], i["status"], i["reported"]] for i in data["open_list"]],
            )
        )
    if data["closed_in_quarter"]:
        view.done.append(f"{plural(data['closed_in_quarter'], 'incident')} closed.")
    if data["obligations_overdue"]:
        view.asks.append(f"{plural(data['obligations_overdue'], 'regulatory notification')} overdue: note the "
                         "exposure and the remediation.")  # fmt: skip
    return view


def vendors(snapshot: dict[str, Any]) -> SectionView:
    """Return vendors per risk tier, flagged vendors and the renewals coming up."""
    data = snapshot["data"].get("vendors", {})
    view = SectionView("vendors", "")
    if not data.get("available"):
        view.lead.append("No vendors are recorded yet.")
        return view
    spend = ", ".join(money(v, c) for c, v in data["spend"].items()) or "none"
    view.lead.append(f"{plural(data['count'], 'vendor')} with a yearly spend of {spend}.")
    if data["flagged"]:
        view.lead.append(f"Flagged for attention: {', '.join(data['flagged'])}.")
    view.facts = [(f"Tier {tier}", str(n)) for tier, n in data["tiers"].items()]
    view.charts.append(BarChart("Vendors per risk tier", [(t, float(n)) for t, n in data["tiers"].items()]))
    if data["renewals"]:
        view.tables.append(Table("Notice deadlines ahead", ["Vendor", "Deadline", "Tier"],
                                 [[r["vendor"], r["deadline"], r["tier"]] for r in data["renewals"]]))  # fmt: skip
    else:
        view.lead.append("No contract notice deadline falls in the next quarter.")
    return view


def people(snapshot: dict[str, Any]) -> SectionView:
    """Return training completion and phishing click and report rates."""
    data = snapshot["data"].get("people", {})
    view = SectionView("people", "")
    if not data.get("available"):
        view.lead.append("No training assignments or phishing campaigns are recorded yet.")
        return view
    if data["assigned"]:
        view.lead.append(f"Training completion is {pct(data['rate'])} ({data['completed']} of {data['assigned']} "
                         f"assignments); {data['overdue']} overdue.")  # fmt: skip
        view.facts.append(("Training completion", pct(data["rate"])))
        if data["weakest"]:
            view.charts.append(
                BarChart(
                    "Completion by department (lowest first, %)",
                    [(d["name"], round(100 * d["rate"], 1)) for d in data["weakest"]],
                )
            )
    if data["campaigns"]:
        last = data["campaigns"][-1]
        view.lead.append(f"Latest phishing exercise \"{last['name']}\": {pct(last['click_rate'])} clicked, "
                         f"{pct(last['report_rate'])} reported it.")  # fmt: skip
        view.facts.append(("People who clicked in several exercises", str(data["repeat_clickers"])))
        view.tables.append(Table("Phishing exercises", ["Campaign", "Sent", "Clicked", "Reported"],
                                 [[c["name"], str(c["recipients"]), pct(c["click_rate"]), pct(c["report_rate"])]
                                  for c in data["campaigns"]]))  # fmt: skip
    return view


BUILDERS: dict[str, Callable[[dict[str, Any]], SectionView]] = {
    "strategy": strategy, "risk": risk, "compliance": compliance, "incidents": incidents, "vendors": vendors,
    "people": people,
}  # fmt: skip


def build(snapshot: dict[str, Any], sections: list[dict[str, Any]]) -> list[SectionView]:
    """Return the views of the included sections, in order, with their titles and commentary."""
    views = {key: builder(snapshot) for key, builder in BUILDERS.items()}
    views["summary"] = summary(snapshot, views)
    out = []
    for section in sections:
        if not section.get("included") or section["key"] not in views:
            continue
        view = views[section["key"]]
        view.title, view.commentary = section["title"], section.get("commentary", "")
        out.append(view)
    return out


def generated_moment(snapshot: dict[str, Any]) -> dt.datetime:
    """Return when the snapshot was taken (what the documents print as their date)."""
    moment = dt.datetime.fromisoformat(snapshot["generated_at"])
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
