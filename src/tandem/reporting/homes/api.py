"""REST routes /api/v1/reporting/metrics: the home metrics, read-only, for BI tools with `reporting:read` tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.reporting.homes import service

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"])
VIEW = "reporting.view"


class MetricRead(BaseModel):
    """A metric: its value (null while its domain holds no data) and the web list behind it."""

    name: str
    label: str
    unit: str
    value: float | None
    url: str
    breakdown: dict[str, Any]


class MetricList(BaseModel):
    """Every metric the caller may read (one page; the list is short)."""

    items: list[MetricRead]
    next_cursor: str | None = None


@router.get("/metrics", response_model=MetricList)
def list_metrics(session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """The numbers of the role homes the caller may read."""
    return {"items": [m.as_dict() for m in service.list_metrics(session, principal)], "next_cursor": None}


@router.get("/metrics/{name}", response_model=MetricRead)
def get_metric(name: str, session: DbSession, principal: Principal = requires(VIEW)) -> Any:
    """One metric by name, e.g. risk.portfolio_ale."""
    return service.get_metric(session, principal, name).as_dict()
