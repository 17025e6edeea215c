"""Remediation tasks close only when an import shows the grant gone (verified, not ticked)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.access import repository as repo
from tandem.access.models import Account, ImportRun, RemediationTask
from tandem.platform.db.types import utcnow


def verify(session: Session, run: ImportRun, system_ids: Iterable[uuid.UUID]) -> int:
    """Close the open tasks on the systems whose grant (or account) the import no longer shows."""
    stmt = (
        select(RemediationTask, Account.system_id, Account.status)
        .outerjoin(Account, Account.id == RemediationTask.account_id)
        .where(RemediationTask.status == "open")
    )
    wanted = set(system_ids)
    rows = [(t, sid, status) for t, sid, status in session.execute(stmt) if sid is None or sid in wanted]
    pairs = [(t.account_id, t.entitlement_id) for t, sid, _ in rows if sid is not None]
    targets = [(t.account_id, e) for t, sid, _ in rows if sid is not None and (e := _target(t)) is not None]
    still = repo.grant_exists(session, [*pairs, *targets])
    closed = 0
    for task, sid, status in rows:
        gone = sid is None or status == "disabled" or (task.account_id, task.entitlement_id) not in still
        # A reduction is done when the lesser grant is there too (a removed or disabled account needs nothing).
        target = _target(task)
        kept = sid is None or status == "disabled" or target is None or (task.account_id, target) in still
        if gone and kept:
            task.status, task.verified_at, task.verified_by_import_id = "verified", utcnow(), run.id
            closed += 1
    session.flush()
    return closed


def _target(task: RemediationTask) -> uuid.UUID | None:
    """Return the lesser entitlement a reduction must leave held (None for revocations)."""
    return task.target_entitlement_id if task.action == "reduce" else None
