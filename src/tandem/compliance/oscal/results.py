"""Build OSCAL assessment-results documents from plain per-control findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from .common import JSON, drop_empty, metadata, new_uuid, timestamp

Method = Literal["EXAMINE", "INTERVIEW", "TEST", "UNKNOWN"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A link to evidence (a file, a ticket, a scan result) and what it shows."""

    href: str
    description: str


@dataclass(frozen=True, slots=True)
class Observation:
    """Something the assessor saw, with the evidence links that prove it."""

    description: str
    collected: datetime
    methods: tuple[Method, ...] = ("EXAMINE",)
    title: str | None = None
    evidence: tuple[Evidence, ...] = ()
    uuid: str = field(default_factory=new_uuid)


@dataclass(frozen=True, slots=True)
class ControlFinding:
    """The result for one control: satisfied or not, why, and what was observed."""

    control_id: str
    satisfied: bool
    description: str
    observations: tuple[Observation, ...] = ()
    title: str | None = None
    objective_id: str | None = None
    remarks: str | None = None


@dataclass(frozen=True, slots=True)
class AssessmentRun:
    """One assessment (an OSCAL `result`): when it ran and its findings."""

    title: str
    description: str
    start: datetime
    findings: tuple[ControlFinding, ...]
    end: datetime | None = None


def observation_json(observation: Observation) -> JSON:
    """Return the OSCAL observation object for an Observation."""
    evidence = [{"href": e.href, "description": e.description} for e in observation.evidence]
    return drop_empty(
        {
            "uuid": observation.uuid,
            "title": observation.title,
            "description": observation.description,
            "methods": list(observation.methods),
            "relevant-evidence": evidence,
            "collected": timestamp(observation.collected),
        }
    )


def finding_json(finding: ControlFinding, status: str = "") -> JSON:
    """Return the OSCAL finding object for a ControlFinding, targeting the control's objective."""
    state = status or ("satisfied" if finding.satisfied else "not-satisfied")
    target = {
        "type": "objective-id",
        # 800-53A names each control's assessment objective `<control-id>_obj` (e.g. ac-2_obj).
        "target-id": finding.objective_id or f"{finding.control_id}_obj",
        "status": {"state": state},
    }
    return drop_empty(
        {
            "uuid": new_uuid(),
            "title": finding.title or f"Finding for {finding.control_id}",
            "description": finding.description,
            "target": target,
            "related-observations": [{"observation-uuid": o.uuid} for o in finding.observations],
            "remarks": finding.remarks,
        }
    )


def result_json(run: AssessmentRun) -> JSON:
    """Return the OSCAL result object for one AssessmentRun."""
    control_ids = list(dict.fromkeys(f.control_id for f in run.findings))
    selections: JSON = (
        {"include-controls": [{"control-id": c} for c in control_ids]} if control_ids else {"include-all": {}}
    )
    observations = [observation_json(o) for f in run.findings for o in f.observations]
    return drop_empty(
        {
            "uuid": new_uuid(),
            "title": run.title,
            "description": run.description,
            "start": timestamp(run.start),
            "end": timestamp(run.end) if run.end else None,
            "reviewed-controls": {"control-selections": [selections]},
            "observations": observations,
            "findings": [finding_json(f) for f in run.findings],
        }
    )


def build_assessment_results(title: str, runs: list[AssessmentRun], plan_href: str, version: str = "1.0") -> JSON:
    """Build an OSCAL 1.2.3 assessment-results document; plan_href points at the assessment plan."""
    return {
        "assessment-results": {
            "uuid": new_uuid(),
            "metadata": metadata(title, version),
            "import-ap": {"href": plan_href},
            "results": [result_json(r) for r in runs],
        }
    }
