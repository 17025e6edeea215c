"""The SQL every org-scoped compliance record shares: scoped get, paged list, add, delete."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.repository import Repository

VIEW = "compliance.view"
SPEC = ListSpec(("created_at", "title"), "-created_at", ("org_unit_id", "status"), ("title",))


class OrgRepository(Repository[Any]):
    """Queries for one org-scoped compliance model."""

    view_action = VIEW

    def __init__(self, session: Session, model: Any) -> None:
        super().__init__(session)
        self.model = model

    def list_page(self, principal: Principal, req: PageRequest, **where: Any) -> Page[Any]:
        """Return one page of visible rows, with exact-match filters (UUID filters coerced)."""
        stmt = self.base_query(principal)
        for name, value in {**req.filters, **where}.items():
            if value is None:
                continue
            if name.endswith("_id") and isinstance(value, str):
                value = uuid.UUID(value)
            stmt = stmt.where(getattr(self.model, name) == value)
        return self.page(stmt, dataclasses.replace(req, filters={}))
