"""Breach assessment: the incident's facts into the rule engine, obligations kept in step, the rule library."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import actions, breach
from tandem.incidents import repository as repo
from tandem.incidents.common import actor_of
from tandem.incidents.models import BreachRule, Event, Incident, Obligation, Population
from tandem.incidents.schemas import RuleIn
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound

COMPUTED = (
    "rule_version",
    "regime",
    "recipient",
    "recipient_label",
    "affected",
    "clock",
    "clock_at",
    "provisional",
    "due_at",
    "asap",
    "channel",
    "citation",
    "rationale",
)


def ensure_rules(session: Session) -> None:
    """Seed the rule library from the shipped file the first time it is needed."""
    if repo.rule_count(session):
        return
    for record in breach.shipped_records():
        session.add(BreachRule(key=record["key"], version=record["version"], record=record, origin="shipped"))
    session.flush()


def active_rules(session: Session) -> list[breach.Rule]:
    """Return the enabled rules, parsed (rows are validated when saved)."""
    ensure_rules(session)
    return [breach.parse_rule(r.record) for r in repo.rules(session, enabled_only=True)]


def facts_of(session: Session, incident: Incident) -> breach.Facts:
    """Return the engine's view of an incident."""
    groups = tuple(
        breach.Population(
            p.jurisdiction,
            p.count,
            frozenset(p.elements),
            p.encrypted,
            p.key_compromised,
            p.gdpr_role,
            p.hipaa_role,
            p.label,
        )
        for p in repo.children(session, Population, incident.id)
    )
    return breach.Facts(
        discovered_at=incident.discovered_at,
        aware_at=incident.aware_at,
        determined_at=incident.determined_at,
        materiality_determined_at=incident.materiality_determined_at,
        sectors=frozenset(incident.sectors),
        eu_establishment=incident.eu_establishment,
        gdpr_risk=incident.gdpr_risk,
        hipaa_low_probability=incident.hipaa_low_probability,
        significant_incident=incident.significant_incident,
        material=incident.material,
        notification_incident=incident.notification_incident,
        populations=groups,
    )


def check_facts(facts: breach.Facts) -> None:
    """Raise a located InvalidInput when the facts are inconsistent (a clock before discovery)."""
    errors = facts.errors()
    if errors:
        raise InvalidInput([_located(f"body.{path}", reason) for path, reason in errors])


def _located(location: str, reason: str) -> Any:
    from tandem.platform.errors import FieldError

    return FieldError(location, reason)


def _condensed(decisions: tuple[breach.Decision, ...]) -> list[dict[str, str]]:
    merged: dict[tuple[str, str, str], list[str]] = {}
    for d in decisions:
        merged.setdefault((d.rule_key, d.jurisdiction, d.outcome), []).append(d.reason)
    return [
        {"rule_key": k, "jurisdiction": j, "outcome": o, "reason": "; ".join(r)[:2000]}
        for (k, j, o), r in sorted(merged.items())
    ]


def reassess(session: Session, principal: Principal | None, incident: Incident, why: str = "") -> breach.Assessment:
    """Evaluate the rules over the incident's facts and bring its obligations in step, on the timeline."""
    facts = facts_of(session, incident)
    check_facts(facts)
    result = breach.evaluate(active_rules(session), facts)
    existing = {(o.rule_key, o.jurisdiction): o for o in repo.children(session, Obligation, incident.id)}
    changes: list[str] = []
    for found in result.obligations:
        row = existing.pop(found.key, None)
        if row is None:
            row = Obligation(incident_id=incident.id, rule_key=found.rule_key, jurisdiction=found.jurisdiction)
            session.add(row)
            changes.append(f"new: {found.recipient_label} ({found.jurisdiction})")
        elif row.status == "withdrawn":
            row.status = "open"
            changes.append(f"re-opened: {found.recipient_label} ({found.jurisdiction})")
        elif row.due_at != found.due_at:
            changes.append(f"deadline moved: {found.recipient_label} ({found.jurisdiction})")
        for name in COMPUTED:
            setattr(row, name, getattr(found, name))
    for row in existing.values():
        if row.status == "open":
            row.status = "withdrawn"
            changes.append(f"no longer required: {row.recipient_label} ({row.jurisdiction})")
    incident.assessment = {
        "engine_version": result.engine_version,
        "evaluated_at": utcnow().isoformat(),
        "rules_evaluated": result.rules_evaluated,
        "decisions": _condensed(result.decisions),
        "notes": list(result.notes),
    }
    incident.assessed_at = utcnow()
    session.flush()
    incident.earliest_due_at = earliest_open_due(session, incident.id)
    if changes:
        session.add(
            Event(
                incident_id=incident.id,
                kind="assessment",
                summary=f"Obligations re-evaluated{f' ({why})' if why else ''}: " + "; ".join(changes)[:4000],
                details={"changes": changes},
                actor=actor_of(principal),
            )
        )
    session.flush()
    return result


def earliest_open_due(session: Session, incident_id: uuid.UUID) -> dt.datetime | None:
    """Return the earliest deadline among the incident's open obligations (drives the countdown)."""
    dues = [o.due_at for o in repo.children(session, Obligation, incident_id) if o.status == "open" and o.due_at]
    return min(dues, default=None)


def countdown(due_at: dt.datetime | None, now: dt.datetime, asap: bool = False, since: Any = None) -> str:
    """Return 'due in 2 d 4 h', 'overdue by 3 h' or 'ASAP (1 d 2 h elapsed)', computed at render time."""
    if due_at is None:
        return f"ASAP ({_span(now - since)} elapsed)" if asap and since is not None else "no fixed deadline"
    delta = due_at - now
    return f"due in {_span(delta)}" if delta.total_seconds() >= 0 else f"overdue by {_span(-delta)}"


def _span(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    return f"{days} d {hours} h" if days else f"{hours} h {mins} min"


# --- the rule library -------------------------------------------------------------------------------------------


def list_rules(session: Session, principal: Principal) -> list[BreachRule]:
    """Return every stored rule version."""
    require(session, principal, actions.VIEW.name)
    ensure_rules(session)
    return repo.rules(session)


def get_rule(session: Session, principal: Principal, rule_id: uuid.UUID) -> BreachRule:
    """Return one rule version."""
    require(session, principal, actions.VIEW.name)
    row = session.get(BreachRule, rule_id)
    if row is None:
        raise NotFound("breach rule not found")
    return row


def _parsed(record: dict[str, Any]) -> breach.Rule:
    try:
        return breach.parse_rule(record)
    except breach.RuleError as exc:
        raise InvalidInput([_located(f"body.record.{p}" if p else "body.record", r) for p, r in exc.errors]) from None


def add_rule(session: Session, principal: Principal, data: RuleIn) -> BreachRule:
    """Add a rule or a new version of one (a new version supersedes older ones from its effective date)."""
    require(session, principal, actions.RULES.name)
    ensure_rules(session)
    rule = _parsed(data.record)
    if any(r.key == rule.key and r.version == rule.version for r in repo.rules(session)):
        raise Conflict(f"{rule.key} version {rule.version} exists; add version {rule.version + 1} instead")
    row = BreachRule(key=rule.key, version=rule.version, record=rule.to_dict(), enabled=data.enabled, origin="custom")
    session.add(row)
    session.flush()
    reassess_open(session, principal, f"rule {rule.key} v{rule.version} added")
    return row


def update_rule(session: Session, principal: Principal, rule_id: uuid.UUID, data: RuleIn) -> BreachRule:
    """Correct a rule version in place (key and version stay); enable or disable it."""
    row = get_rule(session, principal, rule_id)
    require(session, principal, actions.RULES.name)
    rule = _parsed({**data.record, "key": row.key, "version": row.version})
    row.record, row.enabled, row.origin = rule.to_dict(), data.enabled, "custom"
    session.flush()
    reassess_open(session, principal, f"rule {row.key} v{row.version} changed")
    return row


def reassess_open(session: Session, principal: Principal | None, why: str) -> int:
    """Re-evaluate every incident that is not closed (all units: a rule applies to all of them)."""
    from sqlalchemy import select

    incidents = list(session.scalars(select(Incident).where(Incident.status != "closed")))
    for incident in incidents:
        reassess(session, principal, incident, why)
    return len(incidents)
