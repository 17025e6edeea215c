"""Assessments: one result per requirement, pre-filled from mapped results, progress, gaps and POA&M items."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.assessments import prefill as chains
from tandem.compliance.assessments import repository as repo
from tandem.compliance.automation import rollup
from tandem.compliance.common import check, get_visible, require_in_unit
from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.frameworks.service import get_framework
from tandem.compliance.models import Assessment, PoamItem, Result
from tandem.compliance.records import OrgRepository
from tandem.compliance.schemas import AssessmentCreate, AssessmentUpdate, ResultUpdate
from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict

GAPS = ("not-satisfied", "partially")


def create_assessment(session: Session, principal: Principal | None, data: AssessmentCreate) -> Assessment:
    """Start an assessment: one not-assessed result per assessable requirement, optionally pre-filled."""
    require_in_unit(session, principal, data.org_unit_id, actions.ASSESS.name)
    framework = get_framework(session, principal, data.framework_id)
    source = get_assessment(session, principal, data.prefill_from_id) if data.prefill_from_id else None
    assessment = OrgRepository(session, Assessment).add(
        Assessment(title=data.title, framework_id=framework.id, org_unit_id=data.org_unit_id, scope=data.scope)
    )
    rows = [
        {
            "id": uuid.uuid4(),
            "assessment_id": assessment.id,
            "requirement_id": rid,
            "position": position,
            "result": "not-assessed",
            "rationale": "",
            "assessor": "",
        }
        for rid, position in fw_repo.assessable_nodes(session, framework.id)
    ]
    repo.insert_results(session, rows)
    if source is not None:
        prefill(session, assessment, source)
    return assessment


def prefill(session: Session, target: Assessment, source: Assessment) -> int:
    """Pre-fill target's results from source's results over mapping chains; each is marked until confirmed.

    The mark names the path ("pre-filled from 'X' via 800-53 IA-2 → CSF PR.AA-01"); chains follow
    equivalent/subset mappings for at most 3 hops (see assessments.prefill).
    """
    decided: dict[uuid.UUID, str] = dict(repo.source_results(session, source.id))
    canon = fw_repo.canonical_ids(session, target.framework_id)
    assessable = {rid for rid, _ in fw_repo.assessable_nodes(session, target.framework_id)}
    inverse: dict[uuid.UUID, list[uuid.UUID]] = {}
    for rid, c in canon.items():
        if rid in assessable:
            inverse.setdefault(c, []).append(rid)

    def edges_of(nodes: list[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
        return [(m.source_id, m.target_id, m.relationship) for m in fw_repo.mappings_touching(session, nodes)]

    reached = {c: r for c, r in chains.carry(decided, edges_of).items() if c in inverse}
    names = _path_names(session, {node for r in reached.values() for node in r.path})
    values: dict[uuid.UUID, tuple[str, str]] = {}
    for c, r in reached.items():
        via = " → ".join(names.get(node, "?") for node in r.path)
        label = f"pre-filled from {source.title}" + (f" via {via}" if len(r.path) > 1 else "")
        values.update({rid: (r.value, label[:300]) for rid in inverse[c]})
    target.prefilled_from_id = source.id
    repo.apply_prefill(session, target.id, values)
    record_event(
        session, "compliance.assessment_prefilled", "compliance_assessments", str(target.id),
        {"source": str(source.id), "results": len(values),
         "chained": sum(1 for c in reached if len(reached[c].path) > 2)},
    )  # fmt: skip
    session.flush()
    return len(values)


def _path_names(session: Session, nodes: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Name requirements on a path by framework key and label: "nist-sp800-53 IA-2"."""
    rows = fw_repo.requirements_by_ids(session, nodes)
    keys = {fid: get_framework(session, None, fid).key for fid in {r.framework_id for r in rows.values()}}
    return {rid: f"{keys[r.framework_id]} {r.label or r.ref}" for rid, r in rows.items()}


def get_assessment(session: Session, principal: Principal | None, assessment_id: uuid.UUID) -> Assessment:
    """Return an assessment principal may see."""
    return get_visible(session, principal, Assessment, assessment_id, "assessment")


def list_assessments(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the assessments principal may see."""
    require(session, principal, actions.VIEW.name)
    return OrgRepository(session, Assessment).list_page(principal, req)


def update_assessment(
    session: Session, principal: Principal | None, assessment_id: uuid.UUID, data: AssessmentUpdate
) -> Assessment:
    """Rename, rescope, complete or reopen an assessment (completing needs every result decided)."""
    assessment = get_assessment(session, principal, assessment_id)
    check(session, principal, actions.ASSESS.name, assessment)
    patch = data.model_dump(exclude_unset=True, exclude_none=True)
    if patch.get("status") == "complete" and assessment.status != "complete":
        counts = repo.counts(session, assessment.id)
        if counts.get("not-assessed", 0) or counts.get("prefilled", 0):
            raise Conflict("every result must be assessed and every pre-fill confirmed before completing")
        assessment.completed_at = utcnow()
    elif patch.get("status") == "in-progress":
        assessment.completed_at = None
    for key, value in patch.items():
        setattr(assessment, key, value)
    session.flush()
    return assessment


def delete_assessment(session: Session, principal: Principal | None, assessment_id: uuid.UUID) -> None:
    """Delete an assessment with its results."""
    assessment = get_assessment(session, principal, assessment_id)
    check(session, principal, actions.ASSESS.name, assessment)
    OrgRepository(session, Assessment).delete(assessment)


def _open_result(
    session: Session, principal: Principal | None, assessment_id: uuid.UUID, key: str
) -> tuple[Assessment, Result]:
    assessment = get_assessment(session, principal, assessment_id)
    check(session, principal, actions.ASSESS.name, assessment)
    result = repo.get_result(session, assessment.id, key)
    if result is None:
        from tandem.platform.errors import NotFound

        raise NotFound(f"no result for {key!r} in this assessment")
    if assessment.status == "complete":
        raise Conflict("the assessment is complete; reopen it before changing results")
    return assessment, result


def set_result(
    session: Session, principal: Principal | None, assessment_id: uuid.UUID, key: str, data: ResultUpdate, assessor: str
) -> Result:
    """Record a result (a decision also confirms any pre-fill); key is the result id or the requirement ref."""
    _, result = _open_result(session, principal, assessment_id, key)
    patch = data.model_dump(exclude_unset=True)
    if patch.get("maturity") is not None and (patch.get("result") or result.result) == "not-applicable":
        from tandem.platform.errors import InvalidInput

        raise InvalidInput.one("body.maturity", "a not-applicable requirement has no maturity")
    for name, value in patch.items():
        if value is not None or name == "maturity":
            setattr(result, name, value)
    if "result" in patch:
        result.prefilled_from = None
    result.assessor, result.assessed_at = assessor, utcnow()
    session.flush()
    return result


def confirm_prefill(
    session: Session, principal: Principal | None, assessment_id: uuid.UUID, key: str, assessor: str
) -> Result:
    """Accept a pre-filled result as the assessor's own (409 when there is no pre-fill to confirm)."""
    _, result = _open_result(session, principal, assessment_id, key)
    if result.prefilled_from is None:
        raise Conflict("this result was not pre-filled; there is nothing to confirm")
    result.prefilled_from = None
    result.assessor, result.assessed_at = assessor, utcnow()
    session.flush()
    return result


def results(
    session: Session, principal: Principal, assessment_id: uuid.UUID, result: str | None = None, q: str = ""
) -> list[dict[str, Any]]:
    """Return every result with its requirement, effective state (expired evidence → needs-review) and, apart
    from the manual result, what the automated tests of its controls say (failing/passing — automated)."""
    assessment = get_assessment(session, principal, assessment_id)
    rows = repo.result_rows(session, assessment.id, result, q)
    expired = repo.expired_results(session, [r.id for r in rows], dt.date.today())
    units = visible_unit_ids(session, principal, actions.VIEW.name)
    automated = rollup.requirement_results(session, [r.requirement_id for r in rows], units)
    return [{**r._asdict(), "effective": "needs-review" if r.id in expired else r.result,
             "automated": rollup.label(automated.get(r.requirement_id, []))} for r in rows]  # fmt: skip


def progress(session: Session, principal: Principal, assessment_id: uuid.UUID) -> dict[str, Any]:
    """Return counts per result, percent assessed, pre-fills awaiting confirmation and mean maturity."""
    assessment = get_assessment(session, principal, assessment_id)
    counts = repo.counts(session, assessment.id)
    maturity_x10 = counts.pop("maturity_x10")
    total = sum(v for k, v in counts.items() if k != "prefilled")
    done = total - counts.get("not-assessed", 0) - counts["prefilled"]
    return {
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else 0,
        "counts": counts,
        "maturity": maturity_x10 / 10 if maturity_x10 >= 0 else None,
    }


def gaps(session: Session, principal: Principal, assessment_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return the results that are not (fully) satisfied or need review."""
    return [r for r in results(session, principal, assessment_id) if r["effective"] in (*GAPS, "needs-review")]


def gaps_to_poam(
    session: Session, principal: Principal, assessment_id: uuid.UUID, due: dt.date, owner_id: uuid.UUID | None = None
) -> list[PoamItem]:
    """Open a POA&M item for every gap that has none yet."""
    assessment = get_assessment(session, principal, assessment_id)
    check(session, principal, actions.EDIT.name, assessment)
    done = repo.poam_requirements(session, assessment.id)
    items = []
    for gap in gaps(session, principal, assessment_id):
        if gap["requirement_id"] in done:
            continue
        weakness = f"{gap['label']} {gap['title']}: {gap['effective']}" + (
            f" — {gap['rationale']}" if gap["rationale"] else ""
        )
        item = PoamItem(
            weakness=weakness[:5000],
            milestone=f"Remediate {gap['label']}",
            due_date=due,
            owner_id=owner_id,
            assessment_id=assessment.id,
            requirement_id=gap["requirement_id"],
            org_unit_id=assessment.org_unit_id,
        )
        session.add(item)
        items.append(item)
    session.flush()
    return items


def result_evidence(
    session: Session, principal: Principal, assessment_id: uuid.UUID, result_id: uuid.UUID
) -> list[Any]:
    """Return the evidence attached to one result, then the automated evidence of the controls meeting it."""
    get_assessment(session, principal, assessment_id)
    manual = repo.evidence_for(session, result_id)
    result = repo.result_by_id(session, result_id)
    if result is None:
        return manual
    units = visible_unit_ids(session, principal, actions.VIEW.name)
    latest = rollup.requirement_results(session, [result.requirement_id], units).get(result.requirement_id, [])
    automated = repo.evidence_by_ids(session, [r["evidence_id"] for r in latest if r["evidence_id"]])
    return manual + automated
