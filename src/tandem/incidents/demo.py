"""Northwind Health's incidents: a closed ransomware case with its review, and an active vendor breach whose
obligations and countdowns are computed live (its clocks are set relative to the moment the demo loads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.incidents import access_scope, children, followups, review, service
from tandem.incidents import repository as repo
from tandem.incidents.models import Event, Task
from tandem.incidents.schemas import (
    Decision,
    FollowUpIn,
    IncidentCreate,
    IncidentUpdate,
    ObligationUpdate,
    ParticipantIn,
    PopulationIn,
    ScopeIn,
)
from tandem.inventory import service as inventory
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound

PATIENT = ["name", "email", "phi"]
# (data set, jurisdiction, people, elements held together) — the patient-portal export has SSNs on some rows.
VENDOR_BREACH = [
    ("EU marketing list", "FR", 38_200, ["name", "email"]),
    ("EU marketing list", "DE", 21_450, ["name", "email"]),
    ("Patient-portal export", "US-CA", 640, [*PATIENT, "ssn"]),
    ("Patient-portal export", "US-CA", 1_210, PATIENT),
    ("Patient-portal export", "US-TX", 310, [*PATIENT, "ssn"]),
    ("Patient-portal export", "US-TX", 790, PATIENT),
    ("Patient-portal export", "US-NY", 95, [*PATIENT, "ssn"]),
    ("Patient-portal export", "US-NY", 400, PATIENT),
]
PEOPLE = [
    ("commander", "Samuel Okafor (CISO)", "samuel.okafor@northwind-health.example"),
    ("scribe", "Jonas Weber", "jonas.weber@northwind-health.example"),
    ("privacy_officer", "Dr. Anne Keller (DPO)", "dpo@northwind-health.example"),
    ("legal", "Marcus Hale (General Counsel)", "legal@northwind-health.example"),
    ("liaison", "Carmen Ortiz (CIO)", "carmen.ortiz@northwind-health.example"),
]


def _scope(session: Session, incident_id: Any, ref: str, how: str) -> None:
    try:
        kind, obj = inventory.resolve_ref(session, None, ref)
    except NotFound:
        return  # the demo inventory may not hold every record
    children.add_scope(session, None, incident_id, ScopeIn(kind=kind.entity, id=obj.id, how=how))


def _access_scope(session: Session, incident_id: Any, ref: str) -> None:
    try:
        found = access_scope.resolve_ref(session, None, ref)
    except InvalidInput:
        return  # the demo access data may not hold the account
    if found is not None:
        children.add_scope(session, None, incident_id, ScopeIn(kind=found[0], id=found[1], how="compromised"))


def _people(session: Session, incident_id: Any) -> None:
    for role, name, email in PEOPLE:
        children.add_participant(session, None, incident_id, ParticipantIn(role=role, name=name, email=email))


def _vendor_breach(session: Session, org: Any) -> None:
    now = utcnow().replace(second=0, microsecond=0)
    incident = service.open_incident(
        session,
        None,
        IncidentCreate(
            title="Mailjet breach: EU marketing list and patient-portal export exposed",
            description="Mailjet reported unauthorised access to a customer export bucket holding Northwind's EU "
            "marketing list and a patient-portal export uploaded for an appointment-reminder campaign.",
            type="vendor_breach",
            severity="high",
            priority="high",
            discovered_at=now - dt.timedelta(hours=30),
            aware_at=now - dt.timedelta(hours=26),
            org_unit_id=org.root.id,
        ),
    )
    _people(session, incident.id)
    service.update_incident(
        session,
        None,
        incident.id,
        IncidentUpdate(eu_establishment=True, gdpr_risk="risk", breach_types=["confidentiality"]),
    )
    for ref, how in (
        ("vendor:Mailjet", "compromised"),
        ("data_store:EU marketing list", "affected"),
        ("application:EU Marketing Mailer", "affected"),
        ("application:Patient Portal", "affected"),
    ):
        _scope(session, incident.id, ref, how)
    groups = [
        PopulationIn(
            label=label,
            jurisdiction=where,
            count=count,
            elements=elements,
            hipaa_role="covered_entity" if label.startswith("Patient") else "none",
        )
        for label, where, count, elements in VENDOR_BREACH
    ]
    children.add_populations(session, None, incident.id, groups)
    service.update_incident(
        session,
        None,
        incident.id,
        IncidentUpdate(
            status="active",
            determined_at=now - dt.timedelta(hours=6),
            eu_establishment=True,
            gdpr_risk="risk",
            breach_types=["confidentiality"],
        ),
    )


def _ransomware(session: Session, org: Any) -> None:
    start = dt.datetime(2026, 6, 9, 2, 40, tzinfo=dt.UTC)
    incident = service.open_incident(
        session,
        None,
        IncidentCreate(
            title="Ransomware on the radiology file server",
            type="ransomware",
            severity="high",
            priority="high",
            description="LockBit-style encryption of the radiology file server after a phished VPN credential of a "
            "stale domain-admin account (jsmith.old); restored from offline backups, no exfiltration found in the "
            "egress logs.",
            discovered_at=start,
            aware_at=start + dt.timedelta(hours=3),
            org_unit_id=org.units["Clinical"].id,
        ),
    )
    _people(session, incident.id)
    _scope(session, incident.id, "data_store:PACS image store", "affected")
    _access_scope(session, incident.id, "account:ad/jsmith.old")  # the proposal shows what its groups reach
    service.update_incident(
        session,
        None,
        incident.id,
        IncidentUpdate(
            determined_at=start + dt.timedelta(hours=30),
            gdpr_risk="none",
            hipaa_low_probability=True,
            breach_types=["availability"],
        ),
    )
    service.decide(
        session,
        None,
        incident.id,
        Decision(
            decision="not_notify",
            rationale=(
                "Availability breach only: backups restored within 20 h, forensic review of egress logs found no "
                "exfiltration; HIPAA four-factor assessment documents a low probability of compromise."
            ),
        ),
    )
    for task in repo.children(session, Task, incident.id):
        task.status, task.done_at = "done", start + dt.timedelta(days=2)
    for status in ("triage", "active", "contained", "stable", "closed"):
        service.update_incident(session, None, incident.id, IncidentUpdate(status=status))
        if status == "stable":
            followups.follow_up_to_risk(session, None, incident.id, FollowUpIn(
                title="Disable privileged accounts unused for 90 days; MFA on every VPN login",
                scenario_title="Ransomware through a stale privileged account"))  # fmt: skip
    _historic(session, incident, start)


def _historic(session: Session, incident: Any, start: dt.datetime) -> None:
    """Put the lifecycle at the times it really happened (the services stamp "now")."""
    offsets = {"reported": 0.5, "triage": 1, "active": 2, "contained": 20, "stable": 72, "closed": 24 * 21}
    incident.reported_at = start + dt.timedelta(hours=0.5)
    incident.contained_at, incident.stable_at = start + dt.timedelta(hours=20), start + dt.timedelta(hours=72)
    incident.closed_at = start + dt.timedelta(days=21)
    for event in repo.timeline(session, incident.id):
        key = (event.details or {}).get("to") or event.kind
        event.occurred_at = start + dt.timedelta(hours=offsets.get(key, 30)) if event.kind != "detection" else start
    for task in repo.children(session, Task, incident.id):
        task.status, task.done_at = "done", start + dt.timedelta(days=14)
    session.add(
        Event(
            incident_id=incident.id,
            kind="containment",
            actor="demo",
            occurred_at=start + dt.timedelta(hours=4),
            summary="Radiology file server isolated; VPN account disabled",
        )
    )
    session.flush()
    incident.review = review.summary(session, incident)


def load_demo(session: Session, org: Any) -> None:
    """Add the closed ransomware incident and the active vendor breach, and send one notification."""
    _ransomware(session, org)
    _vendor_breach(session, org)
    incident = service.visible_incidents(session, None, {"type": "vendor_breach"})[0]
    first = next(o for o in repo.children(session, _obligation_model(), incident.id) if o.rule_key == "us-ca-residents")
    service.update_obligation(
        session,
        None,
        incident.id,
        first.id,
        ObligationUpdate(
            status="sent", evidence="Letters mailed by the print vendor (batch NW-2211); sample notice on file."
        ),
    )


def _obligation_model() -> Any:
    from tandem.incidents.models import Obligation

    return Obligation
