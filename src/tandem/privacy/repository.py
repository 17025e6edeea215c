"""SQL of the privacy domain: scoped activity and DPIA lists."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec
from tandem.platform.db.repository import Repository
from tandem.privacy.models import Activity, Dpia

VIEW = "privacy.view"
ACTIVITY_SPEC = ListSpec(
    ("created_at", "name", "status"), "name", ("org_unit_id", "status", "role", "legal_basis"), ("name", "description")
)
DPIA_SPEC = ListSpec(
    ("created_at", "title", "status"), "-created_at", ("org_unit_id", "status", "activity_id"), ("title",)
)


class ActivityRepository(Repository[Activity]):
    """Queries for processing activities."""

    model = Activity
    view_action = VIEW

    def ordered(self, principal: Principal | None) -> Select[Any]:
        """Return every visible activity by name."""
        return self.base_query(principal).order_by(Activity.name)


class DpiaRepository(Repository[Dpia]):
    """Queries for DPIAs."""

    model = Dpia
    view_action = VIEW


def dpias_of(session: Session, activity_id: uuid.UUID) -> list[Dpia]:
    """Return an activity's DPIAs, newest first."""
    stmt = select(Dpia).where(Dpia.activity_id == activity_id).order_by(Dpia.created_at.desc())
    return list(session.scalars(stmt))


def dpia_titled(session: Session, title: str) -> Dpia | None:
    """Return the newest DPIA with this title (the demo's links are made by name)."""
    stmt = select(Dpia).where(Dpia.title == title).order_by(Dpia.created_at.desc())
    return session.scalars(stmt).first()
