"""What the compliance forms share: choice lists, reading ids and requirement refs, errors beside their fields."""

from __future__ import annotations

import typing
import urllib.parse
import uuid
from typing import Any

from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.compliance.frameworks import repository as fw_repo
from tandem.compliance.frameworks import service as frameworks
from tandem.inventory import repository as inv_repo
from tandem.inventory.kinds import ENTITIES, kind_of
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.permissions import visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import InvalidInput, NotFound, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.web.forms import form_errors
from tandem.platform.web.render import redirect

Choices = list[tuple[str, str]]
BLANK: Choices = [("", "—")]


def literal_choices(literal: Any) -> Choices:
    """Return the values of a schema's Literal type as select options."""
    return [(str(v), str(v)) for v in typing.get_args(literal)]


def unit_choices(session: Session, principal: Principal, action: str) -> Choices:
    """Return the org units where principal may perform action, by name."""
    ids = visible_unit_ids(session, principal, action)
    if not ids:
        return []
    rows = session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids)))
    return sorted(((str(i), n) for i, n in rows), key=lambda x: x[1].lower())


def people_choices(session: Session, principal: Principal) -> Choices:
    """Return the people principal may see (owners), by name."""
    kind = kind_of("person")
    rows = inv_repo.label_index(session, principal, kind, kind.label)[:1000]
    return sorted(((str(r[0]), str(r[2])) for r in rows), key=lambda x: x[1].lower())


def framework_choices(session: Session, principal: Principal) -> Choices:
    """Return every framework version in the library."""
    return [(str(f.id), f"{f.name} {f.version}") for f in frameworks.list_frameworks(session, principal)]


def scope_kinds() -> Choices:
    """Return the inventory kinds a control's scope may name."""
    return [(e, e.replace("_", " ")) for e in ENTITIES]


def parse_uuid(raw: str) -> uuid.UUID | None:
    """Return raw as a UUID, or None."""
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


def split_refs(raw: str) -> list[str]:
    """Split a list of requirement refs typed as "AC-2, IA-2; PR.AA-01" (commas, semicolons, spaces, lines)."""
    for sep in ",;\n\r\t":
        raw = raw.replace(sep, " ")
    return [p for p in raw.split(" ") if p]


def resolve_refs(
    session: Session, principal: Principal, framework_raw: str, refs: list[str], field: str, fw_field: str
) -> list[uuid.UUID]:
    """Return the requirement ids of refs in the chosen framework (located errors: fw_field, field)."""
    if not refs:
        return []
    framework_id = parse_uuid(framework_raw)
    try:
        if framework_id is None:
            raise NotFound("framework not found")
        framework = frameworks.get_framework(session, principal, framework_id)
    except NotFound:
        raise InvalidInput.one(fw_field, "choose the framework these requirements belong to") from None
    index = fw_repo.ref_index(session, framework.id)
    lower = {k.lower(): v for k, v in index.items()}
    out = []
    for ref in refs:
        found = index.get(ref) or lower.get(ref.lower())
        if found is None:
            raise InvalidInput.one(field, f"{ref!r} is not a requirement of {framework.name} {framework.version}")
        out.append(found)
    return out


def canonical(session: Session, requirement_id: uuid.UUID) -> uuid.UUID:
    """Return the catalog requirement a baseline requirement stands for (mappings are kept between those)."""
    req = fw_repo.requirement_by_id(session, requirement_id)
    return req.base_requirement_id or req.id if req is not None else requirement_id


def requirement_path(session: Session, requirement_id: uuid.UUID) -> str | None:
    """Return the page of a requirement."""
    req = fw_repo.requirement_by_id(session, requirement_id)
    if req is None:
        return None
    return f"/compliance/frameworks/{req.framework_id}/requirements/{urllib.parse.quote(req.ref, safe='')}"


def errors_of(exc: Exception, rename: dict[str, str] | None = None) -> dict[str, str]:
    """Return {field: message} for a failed form action; rename maps service field names to form field names."""
    if isinstance(exc, UnsafeInput):
        errors = {"file": exc.reason}
    elif isinstance(exc, TandemError):
        errors = form_errors(exc)
    else:
        errors = {"_form": str(exc)}
    for old, new in (rename or {}).items():
        if old in errors:
            errors[new] = f"{errors[new]}; {errors.pop(old)}" if new in errors else errors.pop(old)
    return errors


def person_label(session: Session, principal: Principal, person_id: uuid.UUID | None) -> str:
    """Return a person's name, or "" when there is none or it is hidden from principal."""
    if person_id is None:
        return ""
    from tandem.inventory import service as inventory

    kind = kind_of("person")
    try:
        return inventory.label_of(kind, inventory.get_record(session, principal, kind, person_id))
    except NotFound:
        return "(hidden)"


def redirect_anchor(path: str, anchor: str, flash: str = "") -> RedirectResponse:
    """Redirect to an anchor on a page; the flash goes in the query, before the fragment (where it is read)."""
    response = redirect(path, flash)
    response.headers["location"] = f"{response.headers['location']}#{anchor}"
    return response
