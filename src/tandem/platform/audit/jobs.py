"""Audit jobs: verify the chain in the background with progress."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.verify import load_checkpoint_file, verify_chain
from tandem.platform.audit.writer import checkpoint_file
from tandem.platform.config import get_settings
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job


@job("audit.verify_chain", max_attempts=1, view_action="audit.view")
def verify_chain_job(ctx: JobContext, session: Session) -> dict[str, Any]:
    """Verify every entry and checkpoint, reporting progress; the result says where it broke."""
    ctx.log("verifying the audit chain")

    def progress(done: int, total: int) -> None:
        ctx.progress(done, total, f"{done} of {total} entries")
        ctx.check_cancelled()

    report = verify_chain(session, get_settings().key("audit"), load_checkpoint_file(checkpoint_file()), progress)
    ctx.log(report.summary())
    return {
        "ok": report.ok,
        "entries": report.entries,
        "first_bad_seq": report.first_bad_seq,
        "summary": report.summary(),
    }
