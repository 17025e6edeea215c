"""SQL of assessments: bulk result rows, result pages joined with their requirement, progress counts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, func, insert, select, update
from sqlalchemy.orm import Session

from tandem.compliance.models import Evidence, PoamItem, Requirement, Result

BATCH = 2000
RESULT_COLUMNS = (
    Result.id, Result.requirement_id, Result.result, Result.rationale, Result.maturity, Result.assessor,
    Result.assessed_at, Result.prefilled_from, Result.position, Requirement.ref, Requirement.label,
    Requirement.title, Requirement.parent_id, Requirement.base_requirement_id,
)  # fmt: skip


def insert_results(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert result rows in executemany batches (one per assessable requirement)."""
    for start in range(0, len(rows), BATCH):
        session.execute(insert(cast(Table, Result.__table__)), list(rows[start : start + BATCH]))


def result_rows(session: Session, assessment_id: uuid.UUID, result: str | None = None, q: str = "") -> list[Row[Any]]:
    """Return the assessment's results with requirement ref/label/title, in framework order."""
    stmt = select(*RESULT_COLUMNS).join(Requirement, Requirement.id == Result.requirement_id)
    stmt = stmt.where(Result.assessment_id == assessment_id)
    if result:
        stmt = stmt.where(Result.result == result)
    if q:
        pattern = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(Requirement.label.ilike(pattern) | Requirement.title.ilike(pattern))
    return list(session.execute(stmt.order_by(Result.position)))


def get_result(session: Session, assessment_id: uuid.UUID, key: str) -> Result | None:
    """Return a result by its id or its requirement's ref."""
    stmt = select(Result).where(Result.assessment_id == assessment_id)
    try:
        stmt = stmt.where(Result.id == uuid.UUID(key))
    except ValueError:
        stmt = stmt.join(Requirement, Requirement.id == Result.requirement_id).where(Requirement.ref == key)
    return session.scalars(stmt).first()


def result_by_id(session: Session, result_id: uuid.UUID) -> Result | None:
    """Return a result by id."""
    return session.get(Result, result_id)


def counts(session: Session, assessment_id: uuid.UUID) -> dict[str, int]:
    """Return {result: count} and the prefilled count of an assessment."""
    stmt = select(Result.result, func.count()).where(Result.assessment_id == assessment_id).group_by(Result.result)
    out = {r[0]: int(r[1]) for r in session.execute(stmt)}
    pre = select(func.count()).where(Result.assessment_id == assessment_id, Result.prefilled_from.is_not(None))
    out["prefilled"] = int(session.scalar(pre) or 0)
    avg = select(func.avg(Result.maturity)).where(Result.assessment_id == assessment_id)
    value = session.scalar(avg)
    out["maturity_x10"] = round(float(value) * 10) if value is not None else -1
    return out


def source_results(session: Session, assessment_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """Return (canonical requirement id, result) of an assessment's decided results."""
    stmt = (
        select(func.coalesce(Requirement.base_requirement_id, Requirement.id), Result.result)
        .join(Requirement, Requirement.id == Result.requirement_id)
        .where(Result.assessment_id == assessment_id, Result.result != "not-assessed")
    )
    return [(r[0], r[1]) for r in session.execute(stmt)]


def apply_prefill(session: Session, assessment_id: uuid.UUID, values: dict[uuid.UUID, tuple[str, str]]) -> None:
    """Set pre-filled results ({requirement id: (result, mark)}) in executemany batches."""
    from sqlalchemy import bindparam

    stmt = (
        update(cast(Table, Result.__table__))
        .where(Result.__table__.c.assessment_id == assessment_id, Result.__table__.c.requirement_id == bindparam("rid"))
        .values(result=bindparam("value"), prefilled_from=bindparam("mark"))
    )
    params = [{"rid": rid, "value": value, "mark": mark} for rid, (value, mark) in values.items()]
    if params:
        session.connection().execute(stmt, params)


def expired_results(session: Session, result_ids: Sequence[uuid.UUID], today: dt.date) -> set[uuid.UUID]:
    """Return which results have evidence whose validity has ended."""
    out: set[uuid.UUID] = set()
    ids = list(result_ids)
    for start in range(0, len(ids), 500):
        stmt = select(Evidence.result_id).where(
            Evidence.result_id.in_(ids[start : start + 500]), Evidence.valid_until < today
        )
        out.update(r for r in session.scalars(stmt) if r is not None)
    return out


def evidence_for(session: Session, result_id: uuid.UUID) -> list[Evidence]:
    """Return the evidence attached to a result."""
    return list(session.scalars(select(Evidence).where(Evidence.result_id == result_id).order_by(Evidence.created_at)))


def evidence_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[Evidence]:
    """Return evidence records by id, newest first."""
    if not ids:
        return []
    stmt = select(Evidence).where(Evidence.id.in_(list(ids)))
    return list(session.scalars(stmt.order_by(Evidence.created_at.desc())))


def poam_requirements(session: Session, assessment_id: uuid.UUID) -> set[uuid.UUID]:
    """Return the requirement ids that already have a POA&M item from this assessment."""
    stmt = select(PoamItem.requirement_id).where(PoamItem.assessment_id == assessment_id)
    return {r for r in session.scalars(stmt) if r is not None}


def poam_items(session: Session, assessment_id: uuid.UUID | None, unit_ids: list[uuid.UUID]) -> list[PoamItem]:
    """Return POA&M items (of one assessment, or all) in the units."""
    stmt = select(PoamItem).where(PoamItem.org_unit_id.in_(unit_ids))
    if assessment_id is not None:
        stmt = stmt.where(PoamItem.assessment_id == assessment_id)
    return list(session.scalars(stmt.order_by(PoamItem.due_date, PoamItem.created_at)))
