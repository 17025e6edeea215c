"""Follow the inventory's people: a joiner is assigned their training, a leaver's open assignments close, in the
same transaction as the change to the person. The daily recompute stays as the safety net."""

from __future__ import annotations

import uuid
from typing import Any

from tandem.inventory.service import PEOPLE_CHANGED
from tandem.platform import events
from tandem.training import programs

# Beyond this many people (a bulk HR import) recomputing every active program is cheaper than asking which reach them.
BULK = 2_000


def on_people_changed(session: Any, person_ids: list[Any] | None = None, **_: Any) -> None:
    """Recompute the programs that reach the changed people."""
    ids = [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in person_ids or []]
    if not ids:
        return
    session.flush()  # the change must be visible to the audience queries
    if len(ids) > BULK:
        programs.recompute_all(session)
    else:
        programs.recompute_for_people(session, ids)


events.subscribe(PEOPLE_CHANGED, on_people_changed)
