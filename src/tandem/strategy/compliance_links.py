"""The compliance item a mandatory initiative answers: a requirement ("<framework-key>:<requirement-ref>", e.g.
"hipaa-security-rule:164.312(d)") or a POA&M item ("poam:<id>"), checked against the compliance library so the link
always leads somewhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tandem.compliance.assessments import poam
from tandem.compliance.frameworks import service as frameworks
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, NotFound, PermissionDenied

HINT = "use framework-key:requirement-ref (e.g. hipaa-security-rule:164.312(d)) or poam:<POA&M item id>"


@dataclass(frozen=True)
class ComplianceLink:
    """What a compliance_ref points at, for display."""

    label: str
    url: str


def resolve(session: Session, principal: Principal | None, ref: str) -> ComplianceLink:
    """Return what ref names; NotFound (with the reason) when it names nothing principal may see."""
    head, sep, rest = ref.strip().partition(":")
    if not sep or not rest:
        raise NotFound(HINT)
    if head == "poam":
        try:
            item_id = uuid.UUID(rest.strip())
        except ValueError:
            raise NotFound(f"{rest!r} is not a POA&M item id") from None
        item = poam.get_item(session, principal, item_id)
        return ComplianceLink(f"POA&M: {item.weakness[:80]}", f"/compliance/poam/{item.id}/edit")
    try:
        framework = frameworks.find_framework(session, principal, head)
    except PermissionDenied:
        raise NotFound("you may not see the compliance library") from None
    requirement = frameworks.get_requirement(session, principal, framework.id, rest.strip())
    return ComplianceLink(
        f"{framework.name} {requirement.label or requirement.ref}: {requirement.title[:80]}",
        f"/compliance/frameworks/{framework.id}/requirements/{requirement.ref}",
    )


def ref_errors(session: Session, principal: Principal | None, ref: str | None, where: str) -> list[FieldError]:
    """Return the located error of a compliance_ref that names nothing (an empty ref is fine)."""
    if not ref or not ref.strip():
        return []
    try:
        resolve(session, principal, ref)
    except NotFound as exc:
        return [FieldError(where, exc.message)]
    return []


def link_of(session: Session, principal: Principal | None, ref: str) -> ComplianceLink | None:
    """Return the link to show for a stored ref, or None (empty, or no longer resolvable)."""
    if not ref:
        return None
    try:
        return resolve(session, principal, ref)
    except (NotFound, PermissionDenied):
        return None
