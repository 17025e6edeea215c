"""Who can reach sensitive data, from access governance: the "access to PHI" audience and risk flag."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session

from tandem.access import service as access
from tandem.platform.errors import TandemError
from tandem.training import repository as repo

log = logging.getLogger("tandem.training")
MAX_HOLDERS = 100_000
INACTIVE_ACCOUNTS = {"disabled", "deleted", "locked"}


def phi_access_ids(session: Session) -> set[uuid.UUID]:
    """Return the people whose live accounts reach a data store holding health data (PHI)."""
    try:
        with session.begin_nested():  # a failed look-up must not spoil the caller's transaction
            found = access.who_can(session, None, "phi", limit=MAX_HOLDERS)
    except TandemError:  # no access data yet: nobody is known to reach PHI
        return set()
    except Exception:  # the PHI flag refines training status; it must never take the status down
        log.exception("could not ask access governance who can reach PHI")
        return set()
    # Ids may come as UUIDs or as their text (access's JSON-ready rows); either way they name identities.
    identities = {uuid.UUID(str(r["identity_id"])) for r in found["rows"]
                  if r.get("identity_id") and r.get("account_status") not in INACTIVE_ACCOUNTS}  # fmt: skip
    return repo.people_of_identities(session, identities)
