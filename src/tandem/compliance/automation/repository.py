"""SQL of control tests and their results: scoped lists, latest results, history, org-unit subtrees."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, defer

from tandem.compliance.models import Control, ControlTest, ControlTestResult, Evidence
from tandem.platform.auth.models import OrgUnit

CHUNK = 500


def tests_of_control(session: Session, control_id: uuid.UUID) -> list[ControlTest]:
    """Return a control's tests, oldest first."""
    stmt = select(ControlTest).where(ControlTest.control_id == control_id)
    return list(session.scalars(stmt.order_by(ControlTest.created_at, ControlTest.id)))


def tests_in(session: Session, unit_ids: Sequence[uuid.UUID] | None, enabled_only: bool = False) -> list[ControlTest]:
    """Return the tests of the given units (None = every unit)."""
    stmt = select(ControlTest)
    if unit_ids is not None:
        stmt = stmt.where(ControlTest.org_unit_id.in_(list(unit_ids)))
    if enabled_only:
        stmt = stmt.where(ControlTest.enabled.is_(True))
    return list(session.scalars(stmt.order_by(ControlTest.created_at, ControlTest.id)))


def subtree_ids(session: Session, unit_id: uuid.UUID) -> tuple[frozenset[uuid.UUID], bool]:
    """Return the ids of a unit and every unit below it, and whether the unit is the root."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        return frozenset(), False
    rows = session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path)))
    return frozenset(rows), unit.parent_id is None


def results_of(session: Session, test_id: uuid.UUID, limit: int = 100) -> list[ControlTestResult]:
    """Return a test's latest results, newest first."""
    stmt = select(ControlTestResult).options(defer(ControlTestResult.snapshot))
    stmt = stmt.where(ControlTestResult.test_id == test_id)
    return list(session.scalars(stmt.order_by(ControlTestResult.ran_at.desc()).limit(limit)))


def results_of_control(session: Session, control_id: uuid.UUID, limit: int = 200) -> list[ControlTestResult]:
    """Return a control's latest results over all its tests, newest first."""
    stmt = select(ControlTestResult).options(defer(ControlTestResult.snapshot))
    stmt = stmt.where(ControlTestResult.control_id == control_id)
    return list(session.scalars(stmt.order_by(ControlTestResult.ran_at.desc()).limit(limit)))


def history(session: Session, test_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, object]]]:
    """Return {test id: [(status, ran_at)] newest first} without loading snapshots."""
    out: dict[uuid.UUID, list[tuple[str, object]]] = {}
    ids = list(test_ids)
    for start in range(0, len(ids), CHUNK):
        stmt = (
            select(ControlTestResult.test_id, ControlTestResult.status, ControlTestResult.ran_at)
            .where(ControlTestResult.test_id.in_(ids[start : start + CHUNK]))
            .order_by(ControlTestResult.ran_at.desc())
        )
        for test_id, status, ran_at in session.execute(stmt):
            out.setdefault(test_id, []).append((status, ran_at))
    return out


def result_by_id(session: Session, result_id: uuid.UUID) -> ControlTestResult | None:
    """Return one result."""
    return session.get(ControlTestResult, result_id)


def result_by_evidence(session: Session, evidence_id: uuid.UUID) -> ControlTestResult | None:
    """Return the result whose snapshot an automated evidence record stands for."""
    stmt = select(ControlTestResult).where(ControlTestResult.evidence_id == evidence_id)
    return session.scalars(stmt).first()


def tests_of_controls(session: Session, control_ids: Sequence[uuid.UUID]) -> list[ControlTest]:
    """Return the enabled tests of the given controls."""
    out: list[ControlTest] = []
    ids = list(control_ids)
    for start in range(0, len(ids), CHUNK):
        stmt = select(ControlTest).where(
            ControlTest.control_id.in_(ids[start : start + CHUNK]), ControlTest.enabled.is_(True)
        )
        out.extend(session.scalars(stmt))
    return out


def latest_results(session: Session, test_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ControlTestResult]:
    """Return each test's latest result (snapshots not loaded)."""
    out: dict[uuid.UUID, ControlTestResult] = {}
    ids = list(test_ids)
    for start in range(0, len(ids), CHUNK):
        latest = (
            select(ControlTestResult.test_id, func.max(ControlTestResult.ran_at).label("ran_at"))
            .where(ControlTestResult.test_id.in_(ids[start : start + CHUNK]))
            .group_by(ControlTestResult.test_id)
            .subquery()
        )
        stmt = (
            select(ControlTestResult)
            .options(defer(ControlTestResult.snapshot))
            .join(
                latest, and_(ControlTestResult.test_id == latest.c.test_id, ControlTestResult.ran_at == latest.c.ran_at)
            )
        )
        out.update({r.test_id: r for r in session.scalars(stmt)})
    return out


def control_titles(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Return the titles of the given controls."""
    if not ids:
        return {}
    stmt = select(Control.id, Control.title).where(Control.id.in_(list(ids)))
    return {i: t for i, t in session.execute(stmt)}


def controls_titled(session: Session, title: str) -> list[Control]:
    """Return the controls with exactly this title (case-insensitive)."""
    return list(session.scalars(select(Control).where(func.lower(Control.title) == title.strip().lower())))


def evidence_of_test(session: Session, test_id: uuid.UUID) -> list[Evidence]:
    """Return the automated evidence records of a test's results."""
    ids = select(ControlTestResult.evidence_id).where(ControlTestResult.test_id == test_id)
    return list(session.scalars(select(Evidence).where(Evidence.id.in_(ids))))
