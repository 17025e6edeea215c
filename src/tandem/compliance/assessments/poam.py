"""POA&M items: weaknesses to remediate, with a milestone, due date, owner and status."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.common import check, get_visible, require_in_unit
from tandem.compliance.models import PoamItem
from tandem.compliance.records import OrgRepository
from tandem.compliance.schemas import PoamCreate, PoamUpdate
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.errors import InvalidInput, NotFound

SPEC = ListSpec(("created_at", "due_date"), "-created_at", ("org_unit_id", "status", "assessment_id"), ("weakness",))


def create_item(session: Session, principal: Principal | None, data: PoamCreate) -> PoamItem:
    """Open a POA&M item."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    if data.assessment_id is not None:
        from tandem.compliance.assessments.service import get_assessment

        try:
            get_assessment(session, principal, data.assessment_id)
        except NotFound:
            raise InvalidInput.one("body.assessment_id", "no such assessment") from None
    return OrgRepository(session, PoamItem).add(PoamItem(**data.model_dump()))


def get_item(session: Session, principal: Principal | None, item_id: uuid.UUID) -> PoamItem:
    """Return a POA&M item principal may see."""
    return get_visible(session, principal, PoamItem, item_id, "POA&M item")


def update_item(session: Session, principal: Principal | None, item_id: uuid.UUID, data: PoamUpdate) -> PoamItem:
    """Change a POA&M item."""
    item = get_item(session, principal, item_id)
    check(session, principal, actions.EDIT.name, item)
    for key, value in data.model_dump(exclude_unset=True).items():
        if value is not None or key in ("due_date", "owner_id"):
            setattr(item, key, value)
    session.flush()
    return item


def delete_item(session: Session, principal: Principal | None, item_id: uuid.UUID) -> None:
    """Delete a POA&M item."""
    item = get_item(session, principal, item_id)
    check(session, principal, actions.EDIT.name, item)
    OrgRepository(session, PoamItem).delete(item)


def list_items(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the POA&M items principal may see."""
    require(session, principal, actions.VIEW.name)
    return OrgRepository(session, PoamItem).list_page(principal, req)
