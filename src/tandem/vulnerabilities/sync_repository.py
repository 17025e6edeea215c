"""Queries of the NVD API sync: its state row and the sync jobs still waiting or running."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.platform.jobs.models import Job
from tandem.vulnerabilities.sync_models import NvdSyncState

SOURCE = "nvd"


def get_state(session: Session, lock: bool = False) -> NvdSyncState | None:
    """Return the NVD sync row (locked for update when asked: two runs must not advance one cursor)."""
    stmt = select(NvdSyncState).where(NvdSyncState.source == SOURCE)
    return session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()


def state_for_update(session: Session) -> NvdSyncState:
    """Return the NVD sync row locked for update, creating it on first use."""
    state = get_state(session, lock=True)
    if state is None:
        state = NvdSyncState(source=SOURCE, mode="", next_index=0, run_pages=0, run_records=0, run_changed=0,
                             last_records=0, last_changed=0, last_error="")  # fmt: skip
        session.add(state)
        session.flush()
    return state


def active_jobs(
    session: Session, names: tuple[str, ...], statuses: tuple[str, ...] = ("queued", "running")
) -> list[Job]:
    """Return the jobs of these names that wait or run (or have one of `statuses`)."""
    stmt = select(Job).where(Job.name.in_(names), Job.status.in_(statuses)).order_by(Job.created_at)
    return list(session.scalars(stmt))
