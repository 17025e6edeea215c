"""`reporting.generate_board_pack`: generate a quarter's pack in the background (from the pack list), and every
six hours create the current quarter's draft when the quarter has none yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.reporting.board import service

NAME = "reporting.generate_board_pack"


@job(NAME, max_attempts=1, every=dt.timedelta(hours=6), view_action="reporting.view")
def generate_board_pack_job(ctx: JobContext, session: Session, quarter: str = "") -> dict[str, Any]:
    """Generate the given quarter's pack (authorised when queued); without one, the current quarter's first draft."""

    def progress(done: int, total: int, message: str) -> None:
        ctx.check_cancelled()
        ctx.progress(done, total, message)

    if quarter:
        pack = service.generate_pack(session, None, quarter, by=ctx.actor.label, progress=progress)
    else:
        made = service.ensure_current_draft(session, by="scheduled job", progress=progress)
        if made is None:
            ctx.log("the current quarter already has a pack (or there is no organisation yet)")
            return {"created": False}
        pack = made
    ctx.log(f"{pack.quarter} pack version {pack.version} generated (draft)")
    return {"created": True, "pack_id": str(pack.id), "quarter": pack.quarter, "version": pack.version}
