"""Own checklist templates: copy one (the shipped template or any other), rename it, add, remove and reorder its
items; items are written one a line as `key | text | guidance` in the web form and the CLI."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.monitoring import actions, audits
from tandem.monitoring import repository as repo
from tandem.monitoring.audit_models import AuditChecklist
from tandem.monitoring.schemas import ChecklistCopy, ChecklistItem, ChecklistUpdate
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import Conflict, FieldError, InvalidInput

_NOT_KEY = re.compile(r"[^a-z0-9_-]+")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _editable(session: Session, principal: Principal, checklist_id: uuid.UUID) -> AuditChecklist:
    checklist = audits.get_checklist(session, principal, checklist_id)
    require(session, principal, actions.EDIT.name, checklist)
    return checklist


def _name_free(session: Session, unit: uuid.UUID, name: str, other_than: uuid.UUID | None = None) -> None:
    stmt = select(AuditChecklist.id).where(AuditChecklist.org_unit_id == unit, AuditChecklist.name == name)
    found = session.scalar(stmt)
    if found is not None and found != other_than:
        raise Conflict(f"a checklist named {name} already exists in this unit")


def copy_checklist(session: Session, principal: Principal, checklist_id: uuid.UUID, data: ChecklistCopy
                   ) -> AuditChecklist:  # fmt: skip
    """Copy a visible checklist under a new name (into its unit or another): the copy is yours to change."""
    source = audits.get_checklist(session, principal, checklist_id)
    unit = audits.editable_unit(session, principal, data.org_unit_id or source.org_unit_id)
    _name_free(session, unit, data.name)
    row = AuditChecklist(name=data.name, description=f"copy of {source.name}. {source.description}".strip()[:4000],
                         org_unit_id=unit, items=[dict(i) for i in source.items])  # fmt: skip
    return repo.ChecklistRepository(session).add(row)


def update_checklist(session: Session, principal: Principal, checklist_id: uuid.UUID, data: ChecklistUpdate
                     ) -> AuditChecklist:  # fmt: skip
    """Rename a checklist or replace its items (add, remove, reorder, reword). An item that has results in an
    audit that is not cancelled stays: removing it would orphan recorded evidence."""
    checklist = _editable(session, principal, checklist_id)
    if data.name is not None and data.name != checklist.name:
        _name_free(session, checklist.org_unit_id, data.name, checklist.id)
        checklist.name = data.name
    if data.description is not None:
        checklist.description = data.description
    if data.items is not None:
        items = _check_items(data.items, "body.items")
        removed = [i["key"] for i in checklist.items if i["key"] not in {x.key for x in items}]
        used = repo.recorded_items(session, checklist.id, removed)
        if used:
            key, title = used[0]
            raise InvalidInput.one("body.items", f"item {key} has results in audit {title}: keep it, or copy the "
                                   "checklist and change the copy")  # fmt: skip
        checklist.items = [i.model_dump() for i in items]
    session.flush()
    return checklist


def delete_checklist(session: Session, principal: Principal, checklist_id: uuid.UUID) -> None:
    """Delete a checklist no audit runs."""
    checklist = _editable(session, principal, checklist_id)
    used = repo.audits_of_checklist(session, checklist.id)
    if used:
        raise Conflict(f"{len(used)} audit(s) run this checklist (first: {used[0].title}): delete or keep them")
    repo.ChecklistRepository(session).delete(checklist)


def _check_items(items: Sequence[ChecklistItem], location: str) -> list[ChecklistItem]:
    if not items:
        raise InvalidInput.one(location, "a checklist needs at least one item")
    seen: set[str] = set()
    for n, item in enumerate(items):
        if item.key in seen:
            raise InvalidInput.one(f"{location}.{n}.key", f"item key {item.key} is used twice")
        seen.add(item.key)
    return list(items)


def parse_items(text: str, location: str = "form.items") -> list[ChecklistItem]:
    """Parse one item a line, `key | text | guidance`, `key | text`, `text | guidance` or just the text (a line
    not starting with a key gets one made from its text); errors name the line, counted from 0 in the location
    (`form.items.2.key` is line 3)."""
    items: list[ChecklistItem] = []
    errors: list[FieldError] = []
    lines: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) == 1 or (len(parts) == 2 and not _KEY.match(parts[0])):
            parts.insert(0, "")  # no key given: `text` or `text | guidance`
        if not parts[0]:
            parts[0] = _NOT_KEY.sub("-", parts[1].lower()).strip("-_")[:100]
        raw: dict[str, Any] = dict(zip(("key", "text", "guidance"), parts, strict=False))
        try:
            item = ChecklistItem.model_validate(raw)
        except ValidationError as exc:
            errors += [FieldError(f"{location}.{n - 1}.{e['loc'][0]}", f"line {n}: {e['msg']}") for e in exc.errors()]
            continue
        if item.key in lines:
            errors.append(
                FieldError(f"{location}.{n - 1}.key", f"line {n}: key {item.key} is used on line {lines[item.key]}")
            )
        lines.setdefault(item.key, n)
        items.append(item)
    if errors:
        raise InvalidInput(errors)
    return _check_items(items, location)


def format_items(items: Sequence[dict[str, Any]]) -> str:
    """Return items one a line in the form parse_items reads."""
    return "\n".join(f"{i['key']} | {i['text']}" + (f" | {i['guidance']}" if i.get("guidance") else "") for i in items)
