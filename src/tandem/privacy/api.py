"""REST routes /api/v1/privacy: processing activities (RoPA) with findings and DPIA pre-screen, the RoPA
export, and DPIAs with their workflow."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import page_out, page_request
from tandem.platform.auth.principal import Principal
from tandem.privacy import dpia, exports, service
from tandem.privacy.repository import ACTIVITY_SPEC, DPIA_SPEC
from tandem.privacy.schemas import (
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    DpiaCreate,
    DpiaRead,
    DpiaUpdate,
    DpoOpinion,
    SignOff,
)

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])
VIEW, EDIT = "privacy.view", "privacy.edit"


@router.get("/activities")
def list_activities(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List processing activities (filters: status, role, legal_basis)."""
    return page_out(service.list_activities(session, principal, page_request(request, ACTIVITY_SPEC)), service.to_read)


@router.post("/activities", status_code=201, response_model=ActivityRead)
def create_activity(body: ActivityCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Add a processing activity."""
    return service.to_read(service.create_activity(session, principal, body))


@router.get("/activities/{activity_id}", response_model=ActivityRead)
def get_activity(activity_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a processing activity."""
    return service.to_read(service.get_activity(session, principal, activity_id))


@router.patch("/activities/{activity_id}", response_model=ActivityRead)
def update_activity(
    activity_id: uuid.UUID, body: ActivityUpdate, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Change a processing activity."""
    return service.to_read(service.update_activity(session, principal, activity_id, body))


@router.delete("/activities/{activity_id}", status_code=204)
def delete_activity(activity_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete an activity without DPIAs."""
    service.delete_activity(session, principal, activity_id)
    return Response(status_code=204)


@router.get("/activities/{activity_id}/findings")
def findings(activity_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return data categories its stores hold (by discovery or inventory) that the record does not declare."""
    return service.findings(session, principal, service.get_activity(session, principal, activity_id))


@router.get("/activities/{activity_id}/prescreen")
def prescreen(activity_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return the DPIA pre-screen: the nine WP248 criteria, the Art. 35(3) cases and the verdict."""
    return service.prescreen(session, principal, service.get_activity(session, principal, activity_id))


@router.get("/ropa/export")
def export_ropa(
    session: DbSession, format: str = Query("csv", pattern="^(csv|xlsx|pdf)$"), principal: Principal = requires(VIEW)
) -> Response:
    """Export the RoPA as CSV, XLSX or PDF."""
    media, build = exports.FORMATS[format]
    headers = {"Content-Disposition": f'attachment; filename="ropa.{format}"'}
    return Response(build(session, principal), media_type=media, headers=headers)


@router.get("/dpias")
def list_dpias(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """List DPIAs (filters: status, activity_id)."""
    page = dpia.list_dpias(session, principal, page_request(request, DPIA_SPEC))
    return page_out(page, lambda d: dpia.read(session, principal, d))


@router.post("/dpias", status_code=201, response_model=DpiaRead)
def create_dpia(body: DpiaCreate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Start a DPIA of a processing activity."""
    return dpia.read(session, principal, dpia.create_dpia(session, principal, body))


@router.get("/dpias/{dpia_id}", response_model=DpiaRead)
def get_dpia(dpia_id: uuid.UUID, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """Return a DPIA."""
    return dpia.read(session, principal, dpia.get_dpia(session, principal, dpia_id))


@router.patch("/dpias/{dpia_id}", response_model=DpiaRead)
def update_dpia(dpia_id: uuid.UUID, body: DpiaUpdate, session: DbSession, principal: Principal = requires(EDIT)) -> Any:
    """Change a draft DPIA, or send it to the DPO review."""
    return dpia.read(session, principal, dpia.update_dpia(session, principal, dpia_id, body))


@router.delete("/dpias/{dpia_id}", status_code=204)
def delete_dpia(dpia_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a DPIA that was not signed off."""
    dpia.delete_dpia(session, principal, dpia_id)
    return Response(status_code=204)


@router.post("/dpias/{dpia_id}/opinion", response_model=DpiaRead)
def give_opinion(
    dpia_id: uuid.UUID, body: DpoOpinion, session: DbSession, principal: Principal = requires(EDIT)
) -> Any:
    """Record the DPO's opinion."""
    return dpia.read(session, principal, dpia.give_opinion(session, principal, dpia_id, body))


@router.post("/dpias/{dpia_id}/sign-off", response_model=DpiaRead)
def sign_off(
    dpia_id: uuid.UUID, body: SignOff, session: DbSession, principal: Principal = requires("privacy.sign")
) -> Any:
    """Sign the DPIA off or reject it."""
    return dpia.read(session, principal, dpia.sign_off(session, principal, dpia_id, body))
