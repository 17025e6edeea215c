"""REST routes to read and verify the audit log (there are no routes that change it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Query, Request

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import PageOut, page_out
from tandem.platform.audit import service
from tandem.platform.audit.schemas import AuditEntryRead, VerifyRead
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("/entries", response_model=PageOut[AuditEntryRead])
def list_entries(
    request: Request,
    session: DbSession,
    since: dt.datetime | None = Query(None, description="Only entries at or after this time"),
    until: dt.datetime | None = Query(None, description="Only entries before this time"),
    principal: Principal = requires("audit.view"),
) -> Any:
    """List audit entries; filter by action, entity_type, entity_id, actor_id, actor_kind, request_id."""
    params = {k: v for k, v in request.query_params.items() if k not in ("since", "until")}
    req = PageRequest.parse(service.LIST_SPEC, params)
    return page_out(service.list_entries(session, principal, req, since, until), AuditEntryRead.model_validate)


@router.get("/verify", response_model=VerifyRead)
def verify(session: DbSession, principal: Principal = requires("audit.view")) -> Any:
    """Verify the whole chain and its signed checkpoints."""
    report = service.verify(session, principal)
    return VerifyRead(**report.__dict__, summary=report.summary())
