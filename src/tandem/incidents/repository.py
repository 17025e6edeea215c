"""SQL of the incidents domain: scoped incident lists, an incident's children, rules, overdue obligations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tandem.incidents.models import BreachRule, Event, Incident, Obligation, Playbook
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository

VIEW = "incidents.view"
INCIDENT_SPEC = ListSpec(
    ("created_at", "title", "status", "severity", "priority", "discovered_at", "earliest_due_at"),
    "-created_at",
    ("org_unit_id", "status", "type", "severity", "priority", "notification_decision"),
    ("title", "description"),
)
M = TypeVar("M")


class IncidentRepository(Repository[Incident]):
    """Queries for incidents, scoped to the principal's units."""

    model = Incident
    view_action = VIEW

    def filtered(self, principal: Principal | None, filters: dict[str, Any]) -> Select[Any]:
        """Return the visible incidents matching exact filters."""
        stmt = self.base_query(principal)
        for name, value in filters.items():
            if value in (None, ""):
                continue
            if name.endswith("_id") and isinstance(value, str):
                value = uuid.UUID(value)
            stmt = stmt.where(getattr(Incident, name) == value)
        return stmt

    def list_page(self, principal: Principal, req: PageRequest) -> Page[Incident]:
        """Return one page of visible incidents."""
        stmt = self.filtered(principal, req.filters)
        return self.page(stmt, dataclasses.replace(req, filters={}))


class PlaybookRepository(Repository[Playbook]):
    """Queries for organisation playbooks."""

    model = Playbook
    view_action = VIEW


def children(session: Session, model: type[M], incident_id: uuid.UUID, order: Any = None) -> list[M]:
    """Return an incident's rows of one child table, oldest first (or by `order`)."""
    m: Any = model
    stmt = select(m).where(m.incident_id == incident_id)
    stmt = stmt.order_by(order if order is not None else m.created_at, m.id)
    return list(session.scalars(stmt))


def child(session: Session, model: type[M], incident_id: uuid.UUID, child_id: uuid.UUID) -> M | None:
    """Return one child row of an incident."""
    m: Any = model
    stmt = select(m).where(m.id == child_id, m.incident_id == incident_id)
    return session.scalars(stmt).first()


def timeline(session: Session, incident_id: uuid.UUID) -> list[Event]:
    """Return the incident's timeline, in time order."""
    return children(session, Event, incident_id, Event.occurred_at)


def playbook_for(session: Session, unit_ids: Sequence[uuid.UUID], incident_type: str) -> Playbook | None:
    """Return the playbook of the nearest unit in `unit_ids` (nearest first) for a type."""
    stmt = select(Playbook).where(Playbook.org_unit_id.in_(list(unit_ids)), Playbook.incident_type == incident_type)
    found = {p.org_unit_id: p for p in session.scalars(stmt)}
    return next((found[u] for u in unit_ids if u in found), None)


def rules(session: Session, enabled_only: bool = False) -> list[BreachRule]:
    """Return the stored rule versions by key and version."""
    stmt = select(BreachRule).order_by(BreachRule.key, BreachRule.version)
    if enabled_only:
        stmt = stmt.where(BreachRule.enabled.is_(True))
    return list(session.scalars(stmt))


def rule_count(session: Session) -> int:
    """Return how many rule versions are stored."""
    return len(list(session.scalars(select(BreachRule.id))))


def overdue(session: Session, now: dt.datetime) -> list[tuple[Obligation, Incident]]:
    """Return open obligations past their deadline that nobody was alerted about yet, with their incident."""
    stmt = (
        select(Obligation, Incident)
        .join(Incident, Incident.id == Obligation.incident_id)
        .where(
            Obligation.status == "open",
            Obligation.due_at.is_not(None),
            Obligation.due_at < now,
            Obligation.alerted_at.is_(None),
            Incident.status != "closed",
        )
        .order_by(Obligation.due_at)
    )
    return [(o, i) for o, i in session.execute(stmt)]
