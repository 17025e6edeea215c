"""Background jobs: large imports run here with progress, in one transaction (all or nothing)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import imports
from tandem.platform.auth.models import User
from tandem.platform.auth.service import principal_for
from tandem.platform.config import get_settings
from tandem.platform.errors import NotFound
from tandem.platform.jobs.context import JobContext
from tandem.platform.jobs.registry import job
from tandem.platform.jobs.service import enqueue


def upload_dir() -> Path:
    """Return where uploaded import files wait for their job."""
    path = get_settings().data_dir / "uploads" / "inventory"
    path.mkdir(parents=True, exist_ok=True)
    return path


def enqueue_import(session: Session, user_id: uuid.UUID | None, data: bytes, **options: Any) -> Any:
    """Store the file and enqueue its import in the caller's transaction."""
    stored = upload_dir() / f"{uuid.uuid4().hex}.upload"
    stored.write_bytes(data)
    stored.chmod(0o600)
    args = {
        "stored": stored.name,
        "user_id": str(user_id),
        **{k: (str(v) if v is not None else None) for k, v in options.items()},
    }
    return enqueue(session, "inventory.import_file", args)


@job("inventory.import_file", max_attempts=1)
def import_file_job(ctx: JobContext, session: Session, stored: str, user_id: str, **options: Any) -> dict[str, Any]:
    """Run an uploaded import as the user who uploaded it, reporting progress."""
    path = upload_dir() / Path(stored).name
    user = session.get(User, uuid.UUID(user_id))
    if user is None:
        raise NotFound("the user who started the import no longer exists")
    principal = principal_for(user)
    ctx.log(f"importing {options.get('file_name')} as {options.get('kind')}")
    unit = options.get("unit_id")
    try:
        result = imports.import_file(
            session,
            principal,
            str(options["kind"]),
            path.read_bytes(),
            str(options["file_name"]),
            fmt=options.get("fmt"),
            unit_id=uuid.UUID(unit) if unit else None,
            application=options.get("application"),
            dry_run=False,
            progress=lambda done, total, msg: ctx.progress(done, total, msg),
        )
    finally:
        path.unlink(missing_ok=True)
    result.pop("preview", None)
    ctx.log(f"added {result['added']}, changed {result['changed']}, left alone {result['unchanged']}")
    return result
