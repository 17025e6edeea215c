"""Read queries behind the vulnerability control checks: open findings with the asset or application they are on."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.inventory.models import Application, Asset
from tandem.platform.auth.models import OrgUnit
from tandem.vulnerabilities.findings_view import Finding


def open_findings(
    session: Session,
    unit_ids: Collection[uuid.UUID] | None,
    *,
    kev: bool | None = None,
    min_cvss: float | None = None,
) -> list[tuple[Any, ...]]:
    """Return (id, CVE, component, host or application, CVSS, KEV due, first seen, unit name) of open findings."""
    stmt = (
        select(Finding.id, Finding.cve_id, Finding.component, Asset.hostname, Application.name, Finding.cvss,
               Finding.kev_due, Finding.first_seen_at, OrgUnit.name)
        .outerjoin(Asset, Asset.id == Finding.asset_id)
        .outerjoin(Application, Application.id == Finding.application_id)
        .join(OrgUnit, OrgUnit.id == Finding.org_unit_id)
        .where(Finding.status == "open")
        .order_by(Finding.first_seen_at, Finding.cve_id, Finding.id)
    )  # fmt: skip
    if kev is not None:
        stmt = stmt.where(Finding.kev.is_(kev))
    if min_cvss is not None:
        stmt = stmt.where(Finding.cvss >= min_cvss)
    if unit_ids is not None:
        stmt = stmt.where(Finding.org_unit_id.in_(list(unit_ids)))
    return [(i, cve, comp, host or app or "", cvss, due, first, unit)
            for i, cve, comp, host, app, cvss, due, first, unit in session.execute(stmt)]  # fmt: skip
