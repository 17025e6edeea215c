"""Exports: OSCAL assessment-results, POA&M and component-definition; gap reports as CSV and XLSX."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.assessments import repository as repo
from tandem.compliance.assessments.service import gaps, get_assessment, results
from tandem.compliance.controls import repository as controls_repo
from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.frameworks.service import get_framework
from tandem.compliance.models import Control
from tandem.compliance.oscal import (
    AssessmentRun,
    Component,
    ControlFinding,
    Implementation,
    Milestone,
    PoamEntry,
    build_assessment_results,
    build_component_definition,
    build_poam,
)
from tandem.compliance.records import OrgRepository
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.safety.csvsafe import escape_cell, write_csv

GAP_COLUMNS = ["requirement", "title", "result", "effective", "rationale", "maturity", "assessor", "prefilled_from"]
_POAM_STATUS = {"open": "open", "in-progress": "remediating", "closed": "closed", "risk-accepted": "deviation-approved"}


def _oscal_id(ref: str) -> str:
    # OSCAL tokens allow letters, digits, '.', '_' and '-': '164.308(a)(1)' becomes '164.308_a_1'.
    out = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in ref).strip("_")
    return out if (out and out[0].isalpha()) or out[:1] == "_" else f"r{out}"


def assessment_results(session: Session, principal: Principal, assessment_id: uuid.UUID) -> dict[str, Any]:
    """Build the OSCAL assessment-results document of an assessment (decided results only)."""
    require(session, principal, actions.EXPORT.name)
    assessment = get_assessment(session, principal, assessment_id)
    framework = get_framework(session, principal, assessment.framework_id)
    findings = tuple(
        ControlFinding(
            control_id=_oscal_id(r["ref"]),
            satisfied=r["effective"] == "satisfied",
            description=r["rationale"] or f"{r['label']}: {r['effective']}",
            title=f"{r['label']} {r['title']}"[:300],
            remarks=f"result: {r['effective']}" + (f"; maturity {r['maturity']}" if r["maturity"] is not None else ""),
        )
        for r in results(session, principal, assessment_id)
        if r["result"] not in ("not-assessed", "not-applicable")
    )
    run = AssessmentRun(
        title=assessment.title,
        description=f"{framework.name} {framework.version}. Scope: {assessment.scope or 'all'}",
        start=assessment.created_at,
        end=assessment.completed_at,
        findings=findings,
    )
    return build_assessment_results(assessment.title, [run], f"#{assessment.id}")


def poam(session: Session, principal: Principal, assessment_id: uuid.UUID | None = None) -> dict[str, Any]:
    """Build an OSCAL POA&M of the open POA&M items (of one assessment, or every visible one)."""
    require(session, principal, actions.EXPORT.name)
    if assessment_id is not None:
        get_assessment(session, principal, assessment_id)
    items = [
        i
        for i in repo.poam_items(session, assessment_id, visible_unit_ids(session, principal, actions.VIEW.name))
        if i.status != "closed"
    ]
    refs = fw_repo.requirements_by_ids(session, [i.requirement_id for i in items if i.requirement_id])
    entries = []
    for item in items:
        due = dt.datetime.combine(item.due_date, dt.time(), dt.UTC) if item.due_date else None
        ref = refs[item.requirement_id].ref if item.requirement_id in refs else "unmapped"
        entries.append(
            PoamEntry(
                title=item.weakness[:200],
                description=item.weakness,
                control_id=_oscal_id(ref),
                risk_statement=item.weakness,
                status=_POAM_STATUS.get(item.status, "open"),  # type: ignore[arg-type]
                deadline=due,
                remediation=item.milestone,
                milestones=(Milestone(item.milestone or "Remediate", due),) if due else (),
            )
        )
    return build_poam("Plan of action and milestones", entries)


def component_definition(session: Session, principal: Principal, framework_id: uuid.UUID) -> dict[str, Any]:
    """Build an OSCAL component-definition: each visible control and the framework requirements it implements."""
    require(session, principal, actions.EXPORT.name)
    framework = get_framework(session, principal, framework_id)
    canon = fw_repo.canonical_ids(session, framework.id)
    refs = {r.id: r.ref for r in fw_repo.tree_rows(session, framework.id)}
    by_canon = {c: rid for rid, c in canon.items()}
    controls = OrgRepository(session, Control).all(OrgRepository(session, Control).base_query(principal))
    components = []
    for control in sorted(controls, key=lambda c: c.title):
        linked = controls_repo.requirement_ids(session, control.id)
        info = fw_repo.requirements_by_ids(session, linked)
        ids = {by_canon.get(r.base_requirement_id or r.id) or (r.id if r.id in refs else None) for r in info.values()}
        impls = tuple(
            Implementation(_oscal_id(refs[i]), control.description or control.title) for i in ids if i in refs
        )
        if impls:
            components.append(
                Component(
                    control.title,
                    control.description or control.title,
                    f"#{framework.key}@{framework.version}",
                    impls,
                    type="process",
                )
            )
    return build_component_definition(f"{framework.name} controls", components)


def _gap_rows(session: Session, principal: Principal, assessment_id: uuid.UUID) -> list[list[Any]]:
    return [
        [
            g["label"],
            g["title"],
            g["result"],
            g["effective"],
            g["rationale"],
            g["maturity"],
            g["assessor"],
            g["prefilled_from"] or "",
        ]
        for g in gaps(session, principal, assessment_id)
    ]


def gap_csv(session: Session, principal: Principal, assessment_id: uuid.UUID) -> str:
    """Return the gap report as CSV with formula-looking cells escaped."""
    require(session, principal, actions.EXPORT.name)
    return write_csv(_gap_rows(session, principal, assessment_id), GAP_COLUMNS)


def gap_xlsx(session: Session, principal: Principal, assessment_id: uuid.UUID) -> bytes:
    """Return the gap report as an XLSX workbook (cells escaped like the CSV)."""
    import openpyxl

    require(session, principal, actions.EXPORT.name)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Gaps")
    sheet.append(GAP_COLUMNS)
    for row in _gap_rows(session, principal, assessment_id):
        sheet.append([escape_cell(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
