"""What a quarterly board pack is built from: one read of every domain, as plain JSON-ready values.

The pack speaks for the whole organisation, so it reads as an auditor on the root unit would (read-only, every
unit); who may generate and read the pack is checked by the board service. Each part degrades on its own: a domain
without data (or one that refuses) yields {"available": False} and the pack says so in words.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.compliance.controls import coverage as compliance_coverage
from tandem.compliance.models import ControlRequirement, Framework, PoamItem, Requirement
from tandem.incidents.models import Incident, Obligation
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.errors import TandemError
from tandem.risk.models import Matrix, Run, Scenario, Treatment
from tandem.risk.vocab import default_matrix
from tandem.strategy.models import Decision, Initiative, Plan, Policy
from tandem.training import phishing as training_phishing
from tandem.training import status as training_status
from tandem.vendors import service as vendors

log = logging.getLogger("tandem.reporting")
READER = Principal(user_id=uuid.UUID(int=0), username="board-pack", grants=(Grant("auditor", uuid.UUID(int=0), "/"),))
LEC_POINTS = 60  # enough for a smooth curve on a page, small enough for the snapshot
TREND_POINTS = 8
ROADMAP_ROWS = 15
Progress = Callable[[int, int, str], None]


def _day_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _within(value: dt.datetime | dt.date | None, start: dt.date, end: dt.date) -> bool:
    if value is None:
        return False
    day = value.date() if isinstance(value, dt.datetime) else value
    return start <= day <= end


def _thin(points: list[list[float]], limit: int) -> list[list[float]]:
    """Keep at most limit points of a curve, always its first and last."""
    if len(points) <= limit:
        return [[float(x), float(y)] for x, y in points]
    step = (len(points) - 1) / (limit - 1)
    return [[float(points[round(n * step)][0]), float(points[round(n * step)][1])] for n in range(limit)]


def risk(session: Session, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Return the portfolio's expected annual loss, tail, curve, tolerance, trend and top contributors."""
    cutoff = _day_end(end)
    stmt = select(Run).where(Run.status == "succeeded", Run.scope == "portfolio", Run.created_at < cutoff)
    runs = [r for r in session.scalars(stmt.order_by(Run.created_at.desc()).limit(TREND_POINTS)) if r.total]
    root = auth.root_unit(session)
    matrix = session.scalars(select(Matrix).where(Matrix.org_unit_id == root.id)).first() if root else None
    # Without its own matrix the organisation works under the default one, as the risk pages show.
    limits: dict[str, Any] = (
        {"tolerance": matrix.tolerance, "appetite_level": matrix.appetite_level} if matrix else default_matrix()
    )
    scenarios = list(session.scalars(select(Scenario).where(Scenario.status != "closed")))
    if not runs:
        return {"available": False, "open_scenarios": len(scenarios)}
    latest = runs[0]
    total = latest.total or {}
    treatments = list(session.scalars(select(Treatment)))
    active = [t for t in treatments if t.status not in ("rejected", "expired") and t.kind != "accept"]
    return {
        "available": True,
        "ale": float(total.get("mean", 0.0)),
        "p90": float(total.get("p90", 0.0)),
        "p95": float(total.get("p95", 0.0)),
        "p99": float(total.get("p99", 0.0)),
        "simulated_at": _iso(_aware(latest.finished_at or latest.created_at)),
        "years": latest.years,
        "simulated_scenarios": len(latest.scenario_ids),
        "lec": _thin(total.get("lec", []), LEC_POINTS),
        "tolerance": [[float(x), float(p)] for x, p in limits["tolerance"]],
        "appetite_level": str(limits["appetite_level"]),
        "trend": [
            {
                "at": _iso(_aware(r.finished_at or r.created_at)),
                "ale": float((r.total or {}).get("mean", 0.0)),
                "p95": float((r.total or {}).get("p95", 0.0)),
            }
            for r in reversed(runs)
        ],
        "top": [
            {"title": c.get("title", ""), "ale": float(c.get("mean", 0.0)), "share": float(c.get("share", 0.0))}
            for c in latest.contributors[:5]
        ],
        "open_scenarios": len(scenarios),
        "treatments_active": len(active),
        "treatments_cost": float(sum(t.annual_cost for t in active)),
        "accepted_in_quarter": [
            {"title": t.title, "by": t.accepted_by, "until": _iso(t.accepted_until)}
            for t in treatments
            if t.kind == "accept" and _within(t.accepted_at, start, end)
        ],
    }


def _plan(session: Session) -> Plan | None:
    stmt = select(Plan).where(Plan.status == "succeeded").order_by(Plan.created_at.desc())
    plans = list(session.scalars(stmt.limit(20)))
    return next((p for p in plans if p.approval == "approved"), plans[0] if plans else None)


def _roadmap(result: dict[str, Any]) -> list[dict[str, Any]]:
    info, starts = result.get("info", {}), result.get("starts", {})
    ordered = sorted(starts.items(), key=lambda kv: (kv[1], info.get(kv[0], {}).get("title", "")))
    return [{"title": info[k]["title"], "start": int(s), "end": int(s) + int(info[k].get("duration", 1)) - 1,
             "cost": float(info[k].get("cost", 0.0)), "risk": float(info[k].get("risk", 0.0))}
            for k, s in ordered[:ROADMAP_ROWS] if k in info]  # fmt: skip


def strategy(session: Session, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Return the plan (funded, spend, value, risk bought, roadmap), initiatives by status and the decision log."""
    initiatives = list(session.scalars(select(Initiative)))
    decisions = list(session.scalars(select(Decision).order_by(Decision.created_at)))
    plan = _plan(session)
    done = [i for i in initiatives if i.status == "done" and _within(i.updated_at, start, end)]
    out: dict[str, Any] = {
        "available": bool(initiatives or decisions or plan),
        "initiatives": dict(sorted(Counter(i.status for i in initiatives).items())),
        "initiatives_total": len(initiatives),
        "done_in_quarter": sorted(i.title for i in done),
        "open_decisions": [
            {"question": d.question, "kind": d.kind, "since": _iso(d.created_at.date())}
            for d in decisions
            if d.status == "open"
        ],
        "decided_in_quarter": [
            {
                "question": d.question,
                "status": d.status,
                "decision": d.decision,
                "by": d.decided_by,
                "on": _iso(d.decided_on),
            }
            for d in decisions
            if d.status != "open" and _within(d.decided_on, start, end)
        ],
        "plan": None,
    }
    if plan is not None and plan.result:
        res = plan.result
        totals = res.get("totals", {})
        out["plan"] = {
            "name": plan.name, "approval": plan.approval, "currency": res.get("currency", ""),
            "funded": len(res.get("starts", {})), "candidates": len(res.get("info", {})),
            "spend": float(totals.get("spend", 0.0)), "value": float(totals.get("value", 0.0)),
            "risk_reduction": float(totals.get("risk_reduction", 0.0)),
            "periods": list(res.get("labels", [])), "roadmap": _roadmap(res),
        }  # fmt: skip
    return out


def _frameworks_in_use(session: Session) -> list[Framework]:
    linked = select(Requirement.framework_id).join(
        ControlRequirement, ControlRequirement.requirement_id == Requirement.id
    )
    ids = set(session.scalars(linked.distinct()))
    return sorted((f for f in session.scalars(select(Framework)) if f.id in ids), key=lambda f: f.name)


def compliance(session: Session, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Return coverage per framework the organisation's controls map to, and the open remediation items."""
    rows = []
    for framework in _frameworks_in_use(session):
        counts = compliance_coverage.summary(compliance_coverage.coverage(session, READER, framework.id))
        total = sum(counts.values())
        rows.append({"name": framework.name, "version": framework.version, **counts, "total": total,
                     "pct": round(100.0 * counts["covered"] / total, 1) if total else 0.0})  # fmt: skip
    poam = list(session.scalars(select(PoamItem).where(PoamItem.status != "closed")))
    overdue = [p for p in poam if p.due_date is not None and p.due_date < end]
    return {"available": bool(rows), "frameworks": rows, "poam_open": len(poam), "poam_overdue": len(overdue)}


def incidents(session: Session, start: dt.date, end: dt.date, now: dt.datetime) -> dict[str, Any]:
    """Return open incidents, those reported and closed in the quarter, and notification obligations."""
    rows = list(session.scalars(select(Incident).order_by(Incident.reported_at.desc())))
    open_rows = [i for i in rows if i.status != "closed"]
    obligations = list(session.scalars(select(Obligation).join(Incident, Incident.id == Obligation.incident_id)))
    open_obl = [o for o in obligations if o.status == "open"]
    overdue = [o for o in open_obl if (due := _aware(o.due_at)) is not None and due < now]
    sent = [o for o in obligations if o.status == "sent" and _within(o.sent_at, start, end)]
    return {
        "available": bool(rows),
        "open": len(open_rows),
        "open_list": [
            {"title": i.title, "severity": i.severity, "status": i.status, "reported": i.reported_at.date().isoformat()}
            for i in open_rows[:10]
        ],
        "reported_in_quarter": sum(1 for i in rows if _within(i.reported_at, start, end)),
        "closed_in_quarter": sum(1 for i in rows if _within(i.closed_at, start, end)),
        "by_severity": dict(sorted(Counter(i.severity for i in open_rows).items())),
        "obligations_open": len(open_obl),
        "obligations_overdue": len(overdue),
        "obligations_sent_in_quarter": len(sent),
    }


def vendors_part(session: Session, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    """Return vendors per tier, flagged vendors, spend and the notice deadlines of the next quarter."""
    rows = vendors.portfolio(session, READER, today)
    horizon = end + dt.timedelta(days=92)
    spend: dict[str, float] = {}
    for r in rows:
        for currency, amount in r["spend"].items():
            spend[currency] = spend.get(currency, 0.0) + float(amount)
    renewals = sorted(
        ({"vendor": r["vendor"].name, "deadline": r["next_deadline"].isoformat(), "tier": r["tier"]}
         for r in rows if r["next_deadline"] is not None and r["next_deadline"] <= horizon),
        key=lambda x: (x["deadline"], x["vendor"]),
    )  # fmt: skip
    return {
        "available": bool(rows),
        "count": len(rows),
        "tiers": dict(sorted(Counter(str(r["tier"]) for r in rows).items())),
        "flagged": sorted(r["vendor"].name for r in rows if r["flags"]),
        "spend": dict(sorted(spend.items())),
        "renewals": renewals[:12],
    }


def people(session: Session, today: dt.date) -> dict[str, Any]:
    """Return training completion (overall and weakest departments) and phishing results per campaign."""
    summary = training_status.summary(session, None, today)
    overall = summary["overall"]
    phish = training_phishing.overview(session, READER)
    campaigns = [
        {"name": c["name"], "launched": c["launched_at"].date().isoformat() if c["launched_at"] else None,
         "recipients": c["recipients"], "click_rate": c["click_rate"], "report_rate": c["report_rate"]}
        for c in phish["campaigns"]
    ]  # fmt: skip
    departments = sorted(summary["departments"], key=lambda d: (d["rate"], d["name"]))
    return {
        "available": bool(overall["assigned"] or campaigns),
        "assigned": overall["assigned"], "completed": overall["completed"], "overdue": overall["overdue"],
        "rate": float(overall["rate"]),
        "weakest": [{"name": d["name"], "rate": float(d["rate"]), "assigned": d["assigned"]} for d in departments[:5]],
        "campaigns": campaigns[-6:],
        "repeat_clickers": len(phish["repeat_clickers"]),
    }  # fmt: skip


def _currency(session: Session) -> str:
    root = auth.root_unit(session)
    policy = session.scalars(select(Policy).where(Policy.org_unit_id == root.id)).first() if root else None
    return policy.currency if policy is not None else "USD"


def _guarded(name: str, part: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one part; a domain that refuses or holds nothing usable makes its section say so, not the pack fail."""
    try:
        return part()
    except (TandemError, LookupError) as exc:
        log.info("board pack: %s data unavailable: %s", name, exc)
        return {"available": False}


def collect(
    session: Session, start: dt.date, end: dt.date, now: dt.datetime, progress: Progress | None = None
) -> dict[str, Any]:
    """Return the data of every section of a pack for the quarter [start, end], read at `now`."""
    today = min(now.date(), end)
    root = auth.root_unit(session)
    parts: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("risk", lambda: risk(session, start, end)),
        ("strategy", lambda: strategy(session, start, end)),
        ("compliance", lambda: compliance(session, start, end)),
        ("incidents", lambda: incidents(session, start, end, now)),
        ("vendors", lambda: vendors_part(session, start, end, today)),
        ("people", lambda: people(session, today)),
    ]
    data: dict[str, Any] = {"organisation": root.name if root else "", "currency": _currency(session)}
    for n, (name, part) in enumerate(parts):
        if progress is not None:
            progress(n, len(parts), f"Reading {name}")
        data[name] = _guarded(name, part)
    if progress is not None:
        progress(len(parts), len(parts), "Data collected")
    return data
