"""The organisation's controls: what they are, who owns them, what they cover and which requirements they meet."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.common import check, get_visible, require_in_unit
from tandem.compliance.controls import repository as repo
from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.models import Control
from tandem.compliance.records import SPEC, OrgRepository
from tandem.compliance.schemas import ControlCreate, ControlRead, ControlUpdate, ScopeRef
from tandem.inventory import service as inventory
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.errors import InvalidInput, NotFound

__all__ = ["SPEC", "create_control", "delete_control", "get_control", "list_controls", "to_read", "update_control"]


def _check_owner(session: Session, principal: Principal | None, owner_id: uuid.UUID | None) -> None:
    if owner_id is None:
        return
    try:
        inventory.get_record(session, principal, inventory.kind_of("person"), owner_id)
    except NotFound:
        raise InvalidInput.one("body.owner_id", "no such person in the inventory") from None


def _check_scope(session: Session, principal: Principal | None, scope: list[ScopeRef]) -> list[tuple[str, uuid.UUID]]:
    out = []
    for n, ref in enumerate(scope):
        try:
            kind = inventory.kind_of(ref.kind)
            inventory.get_record(session, principal, kind, ref.id)
        except (KeyError, NotFound):
            raise InvalidInput.one(f"body.scope.{n}", f"no visible {ref.kind} with this id in the inventory") from None
        out.append((kind.entity, ref.id))
    return out


def _check_requirements(session: Session, ids: list[uuid.UUID]) -> None:
    found = fw_repo.requirements_by_ids(session, ids)
    for n, rid in enumerate(ids):
        if rid not in found:
            raise InvalidInput.one(f"body.requirement_ids.{n}", "no such requirement")


def create_control(session: Session, principal: Principal | None, data: ControlCreate) -> Control:
    """Create a control with its requirement links and inventory scope."""
    require_in_unit(session, principal, data.org_unit_id, actions.EDIT.name)
    _check_owner(session, principal, data.owner_id)
    scope = _check_scope(session, principal, data.scope)
    _check_requirements(session, data.requirement_ids)
    values = data.model_dump(exclude={"requirement_ids", "scope"})
    control = OrgRepository(session, Control).add(Control(**values))
    repo.set_requirements(session, control.id, data.requirement_ids)
    repo.set_scope(session, control.id, scope)
    return control


def update_control(
    session: Session, principal: Principal | None, control_id: uuid.UUID, data: ControlUpdate
) -> Control:
    """Change a control; requirement links and scope are replaced when given."""
    control = get_control(session, principal, control_id)
    check(session, principal, actions.EDIT.name, control)
    patch = data.model_dump(exclude_unset=True)
    if "owner_id" in patch:
        _check_owner(session, principal, patch["owner_id"])
    if data.scope is not None:
        repo.set_scope(session, control.id, _check_scope(session, principal, data.scope))
    if data.requirement_ids is not None:
        _check_requirements(session, data.requirement_ids)
        repo.set_requirements(session, control.id, data.requirement_ids)
    for key in ("title", "description", "owner_id", "status", "frequency"):
        if key in patch and (patch[key] is not None or key == "owner_id"):
            setattr(control, key, patch[key])
    session.flush()
    return control


def delete_control(session: Session, principal: Principal | None, control_id: uuid.UUID) -> None:
    """Delete a control and its links."""
    control = get_control(session, principal, control_id)
    check(session, principal, actions.EDIT.name, control)
    repo.set_requirements(session, control.id, [])
    repo.set_scope(session, control.id, [])
    OrgRepository(session, Control).delete(control)


def get_control(session: Session, principal: Principal | None, control_id: uuid.UUID) -> Control:
    """Return a control principal may see."""
    return get_visible(session, principal, Control, control_id, "control")


def list_controls(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the controls principal may see."""
    require(session, principal, actions.VIEW.name)
    return OrgRepository(session, Control).list_page(principal, req)


def to_read(session: Session, control: Control) -> ControlRead:
    """Return the output schema with the control's links."""
    out = ControlRead.model_validate(control)
    out.requirement_ids = repo.requirement_ids(session, control.id)
    out.scope = [{"kind": k, "id": str(i)} for k, i in repo.scope_of(session, control.id)]
    return out


def scope_labels(session: Session, principal: Principal, control: Control) -> list[dict[str, Any]]:
    """Return the control's inventory scope with labels (only what principal may see)."""
    out = []
    for kind_name, obj_id in repo.scope_of(session, control.id):
        kind = inventory.kind_of(kind_name)
        try:
            obj = inventory.get_record(session, principal, kind, obj_id)
        except NotFound:
            continue
        out.append({"kind": kind_name, "plural": kind.plural, "id": obj_id, "label": inventory.label_of(kind, obj)})
    return out


def requirements_of(session: Session, control: Control) -> list[dict[str, Any]]:
    """Return the requirements a control is linked to, with their framework."""
    ids = repo.requirement_ids(session, control.id)
    rows = fw_repo.requirements_by_ids(session, ids)
    names = {f.id: f"{f.name} {f.version}" for f in fw_repo.FrameworkRepository(session).all_frameworks()}
    return sorted(
        ({"id": r.id, "ref": r.ref, "label": r.label, "title": r.title, "framework_id": r.framework_id,
          "framework": names.get(r.framework_id, "")} for r in rows.values()),
        key=lambda x: (x["framework"], x["label"]),
    )  # fmt: skip
