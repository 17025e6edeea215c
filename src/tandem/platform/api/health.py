"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from tandem.platform.api.deps import get_db, requires
from tandem.platform.db.migrate import pending_heads
from tandem.platform.db.uow import unit_of_work

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[requires("public")])
def healthz() -> dict[str, str]:
    """Say the process is up."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[requires("public")])
def readyz(request: Request) -> JSONResponse:
    """Say whether the database answers and its schema is at the code's migration heads."""
    db = get_db(request)
    try:
        with unit_of_work(db, readonly=True) as session:
            session.execute(text("SELECT 1"))
        missing = pending_heads(db.engine)
    except Exception as exc:  # the probe reports any failure as not ready
        return JSONResponse({"status": "unavailable", "detail": f"database unreachable: {type(exc).__name__}"}, 503)
    if missing:
        return JSONResponse({"status": "unavailable", "detail": f"migrations pending: {', '.join(missing)}"}, 503)
    return JSONResponse({"status": "ok"})
