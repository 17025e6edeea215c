"""Build OSCAL plan-of-action-and-milestones (POA&M) documents from plain remediation items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .common import JSON, drop_empty, metadata, new_uuid, timestamp
from .results import ControlFinding, finding_json

RiskStatus = Literal["open", "investigating", "remediating", "deviation-requested", "deviation-approved", "closed"]


@dataclass(frozen=True, slots=True)
class Milestone:
    """A dated step of a remediation plan."""

    title: str
    due: datetime
    description: str = ""


@dataclass(frozen=True, slots=True)
class PoamEntry:
    """One weakness to remediate: the failed control, its risk and the planned milestones."""

    title: str
    description: str
    control_id: str
    risk_statement: str
    status: RiskStatus = "open"
    deadline: datetime | None = None
    remediation: str = ""
    milestones: tuple[Milestone, ...] = ()


def _milestone(step: Milestone) -> JSON:
    return drop_empty(
        {
            "uuid": new_uuid(),
            "type": "milestone",
            "title": step.title,
            "description": step.description,
            "timing": {"on-date": {"date": timestamp(step.due)}},
        }
    )


def _risk(entry: PoamEntry, risk_uuid: str) -> JSON:
    remediation = None
    if entry.remediation or entry.milestones:
        remediation = drop_empty(
            {
                "uuid": new_uuid(),
                "lifecycle": "planned",
                "title": f"Remediate {entry.control_id}",
                "description": entry.remediation or entry.title,
                "tasks": [_milestone(m) for m in entry.milestones],
            }
        )
    return drop_empty(
        {
            "uuid": risk_uuid,
            "title": entry.title,
            "description": entry.description,
            "statement": entry.risk_statement,
            "status": entry.status,
            "deadline": timestamp(entry.deadline) if entry.deadline else None,
            "remediations": [remediation] if remediation else [],
        }
    )


def build_poam(title: str, entries: list[PoamEntry], system_id: str | None = None, version: str = "1.0") -> JSON:
    """Build an OSCAL 1.2.3 POA&M: per entry a not-satisfied finding, its risk and a poam-item linking them."""
    risks: list[JSON] = []
    findings: list[JSON] = []
    items: list[JSON] = []
    for entry in entries:
        risk_uuid = new_uuid()
        risks.append(_risk(entry, risk_uuid))
        finding = finding_json(ControlFinding(entry.control_id, False, entry.description, title=entry.title))
        finding["related-risks"] = [{"risk-uuid": risk_uuid}]
        findings.append(finding)
        items.append(
            {
                "uuid": new_uuid(),
                "title": entry.title,
                "description": entry.description,
                "related-findings": [{"finding-uuid": finding["uuid"]}],
                "related-risks": [{"risk-uuid": risk_uuid}],
            }
        )
    body = drop_empty(
        {
            "uuid": new_uuid(),
            "metadata": metadata(title, version),
            "system-id": {"identifier-type": "http://ietf.org/rfc/rfc4122", "id": system_id} if system_id else None,
            "risks": risks,
            "findings": findings,
            "poam-items": items,
        }
    )
    return {"plan-of-action-and-milestones": body}
