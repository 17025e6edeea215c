"""Background jobs: a scan is parsed outside any transaction and stored in one short one; expired acceptances of
network findings reopen hourly."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.monitoring import issues, service
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job("monitoring.import_scan", max_attempts=1, own_transactions=True)
def import_scan_job(
    ctx: JobContext, session: Session | None, stored: str, file_name: str, name: str, target: str, unit_id: str,
    who: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Import an uploaded nmap or Greenbone file: reconcile hosts, store audit findings and port diffs."""
    path = service.upload_dir() / Path(stored).name
    try:
        ctx.progress(0, 2, f"parsing {file_name}")
        parsed = service.parse_scan(path.read_bytes(), file_name)
    finally:
        path.unlink(missing_ok=True)
    ctx.check_cancelled()
    ctx.progress(1, 2, f"reconciling {len(parsed.hosts)} hosts")
    with ctx.transaction() as s:
        scan = service.store_scan(s, parsed, name, target, uuid.UUID(unit_id), file_name, who or ctx.actor.label)
        result = {"scan_id": str(scan.id), "hosts_up": scan.hosts_up, "known": scan.known_hosts,
                  "unknown": scan.unknown_hosts, "findings": scan.finding_count}  # fmt: skip
    ctx.progress(2, 2, "done")
    return result


@job("monitoring.reopen_expired", every=dt.timedelta(hours=1), view_action="monitoring.view")
def reopen_expired_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Reopen the network findings whose risk acceptance ran out (reads already show them open)."""
    reopened = issues.reopen_expired(session)
    ctx.log(f"{reopened} accepted findings reopened")
    return {"reopened": reopened}
