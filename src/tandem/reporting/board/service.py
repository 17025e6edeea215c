"""Board packs as business rules: generate a quarter's draft from a data snapshot, edit its sections, publish it
(immutable from then on; generating again makes the next version), and render it from its snapshot."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.reporting.board.models import BoardPack
from tandem.reporting.board.quarters import Quarter, parse_quarter, quarter_of
from tandem.reporting.board.repository import BoardPackRepository
from tandem.reporting.board.schemas import BoardPackUpdate
from tandem.reporting.queries import board as board_queries

VIEW, EDIT, PUBLISH = "reporting.view", "reporting.edit", "reporting.publish"
SNAPSHOT_SCHEMA = 1
SECTIONS: list[tuple[str, str]] = [
    ("summary", "Summary for the board"),
    ("strategy", "Strategy and the IT portfolio"),
    ("risk", "Cyber risk in money"),
    ("compliance", "Compliance"),
    ("incidents", "Incidents"),
    ("vendors", "Vendors and third parties"),
    ("people", "People: training and phishing"),
]
SECTION_KEYS = [key for key, _ in SECTIONS]


class _InUnit:
    """Stand-in object for a permission check in a unit before the pack exists."""

    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def _check(session: Session, principal: Principal | None, action: str, obj: Any) -> None:
    if principal is not None:
        require(session, principal, action, obj)


def _root_id(session: Session) -> uuid.UUID:
    root = auth.root_unit(session)
    if root is None:
        raise NotFound("no organisation yet; run `tandem init` first")
    return root.id


def canonical(snapshot: dict[str, Any]) -> bytes:
    """Return the bytes the snapshot digest is taken over (sorted keys, no whitespace, UTF-8)."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(snapshot: dict[str, Any]) -> str:
    """Return the SHA-256 of a snapshot, hex."""
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def list_packs(session: Session, principal: Principal, quarter: str | None = None) -> Sequence[BoardPack]:
    """Return the packs principal may see, newest first (optionally of one quarter, e.g. 2026Q4)."""
    require(session, principal, VIEW)
    label = parse_quarter(quarter, "query.quarter").label if quarter else None
    return BoardPackRepository(session).visible(principal, label)


def page_packs(session: Session, principal: Principal, req: PageRequest) -> Page[BoardPack]:
    """Return one page of the packs principal may see (filters: quarter, status; q searches titles)."""
    require(session, principal, VIEW)
    repo = BoardPackRepository(session)
    return repo.page(repo.base_query(principal), req)


def get_pack(session: Session, principal: Principal | None, pack_id: uuid.UUID) -> BoardPack:
    """Return a pack principal may see."""
    pack = BoardPackRepository(session).get(principal, pack_id)
    if pack is None:
        raise NotFound("board pack not found")
    return pack


def _default_sections(previous: BoardPack | None) -> list[dict[str, Any]]:
    """Return the sections of a new version, keeping the previous version's choices and commentary."""
    kept = {s["key"]: s for s in (previous.sections if previous else [])}
    return [{"key": key, "title": title, "included": bool(kept.get(key, {}).get("included", True)),
             "commentary": str(kept.get(key, {}).get("commentary", ""))} for key, title in SECTIONS]  # fmt: skip


def _previous_figures(session: Session, quarter: Quarter) -> dict[str, Any] | None:
    """Return the headline numbers of the last published pack of an earlier quarter (for the trend)."""
    before = BoardPackRepository(session).published_before(quarter.label)
    if before is None:
        return None
    data = before.snapshot.get("data", {})
    return {"quarter": before.quarter, "version": before.version,
            "ale": data.get("risk", {}).get("ale"), "training_rate": data.get("people", {}).get("rate"),
            "open_incidents": data.get("incidents", {}).get("open")}  # fmt: skip


def build_snapshot(
    session: Session, quarter: Quarter, now: dt.datetime, progress: board_queries.Progress | None = None
) -> dict[str, Any]:
    """Read every domain for the quarter and return the snapshot, exactly as it will be stored."""
    data = board_queries.collect(session, quarter.start, quarter.end, now, progress)
    snapshot = {"schema": SNAPSHOT_SCHEMA, "quarter": quarter.label, "start": quarter.start.isoformat(),
                "end": quarter.end.isoformat(), "generated_at": now.isoformat(timespec="seconds"),
                "previous": _previous_figures(session, quarter), "data": data}  # fmt: skip
    # Through JSON once, so the stored value and the digested value are the same thing.
    loaded: dict[str, Any] = json.loads(canonical(snapshot))
    return loaded


def authorise_generate(session: Session, principal: Principal | None) -> None:
    """Raise unless principal may draft the organisation's packs (they cover every unit, so: on the root)."""
    _check(session, principal, EDIT, _InUnit(_root_id(session)))


def generate_pack(
    session: Session,
    principal: Principal | None,
    quarter_text: str,
    *,
    now: dt.datetime | None = None,
    by: str = "",
    progress: board_queries.Progress | None = None,
) -> BoardPack:
    """Build the quarter's draft: fresh data for an existing draft, else a new version (1, or after a published)."""
    quarter = parse_quarter(quarter_text, "body.quarter")
    now = (now or utcnow()).replace(microsecond=0)
    if quarter.start > now.date():
        raise InvalidInput.one("body.quarter", f"{quarter.label} has not started yet")
    root_id = _root_id(session)
    authorise_generate(session, principal)
    repo = BoardPackRepository(session)
    latest = repo.latest_version(quarter.label)
    snapshot = build_snapshot(session, quarter, now, progress)
    author = principal.username if principal is not None else (by or "tandem")
    if latest is not None and latest.status == "draft":
        pack = latest
    else:
        org = snapshot["data"].get("organisation") or "Board"
        pack = BoardPack(org_unit_id=root_id, quarter=quarter.label, version=(latest.version + 1) if latest else 1,
                         title=f"{org}: board report {quarter.label}", status="draft",
                         sections=_default_sections(latest))  # fmt: skip
        session.add(pack)
    pack.snapshot, pack.snapshot_sha256 = snapshot, digest(snapshot)
    pack.generated_at, pack.generated_by = now, author
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"another {quarter.label} pack was generated at the same moment; try again") from None
    return pack


def _patched_sections(pack: BoardPack, data: BoardPackUpdate) -> list[dict[str, Any]]:
    sections = [dict(s) for s in pack.sections]
    by_key = {s["key"]: s for s in sections}
    errors: list[FieldError] = []
    for n, patch in enumerate(data.sections):
        target = by_key.get(patch.key)
        if target is None:
            errors.append(FieldError(f"body.sections.{n}.key", f"no section {patch.key!r}; one of "
                                                               f"{', '.join(SECTION_KEYS)}"))  # fmt: skip
            continue
        if patch.included is not None:
            if patch.key == "summary" and not patch.included:
                errors.append(FieldError(f"body.sections.{n}.included", "the summary cannot be left out"))
            target["included"] = patch.included
        if patch.commentary is not None:
            target["commentary"] = patch.commentary.replace("\r\n", "\n").strip()
    if errors:
        raise InvalidInput(errors)
    return sections


def _editable(pack: BoardPack) -> None:
    if pack.status != "draft":
        raise Conflict(f"version {pack.version} of the {pack.quarter} pack is published and cannot change; "
                       f"generate the quarter again to start version {pack.version + 1}")  # fmt: skip


def update_pack(session: Session, principal: Principal | None, pack_id: uuid.UUID, data: BoardPackUpdate) -> BoardPack:
    """Change a draft's title, sections included and commentary; published packs refuse (Conflict)."""
    pack = get_pack(session, principal, pack_id)
    _check(session, principal, EDIT, pack)
    _editable(pack)
    sections = _patched_sections(pack, data)
    if data.title is not None:
        pack.title = data.title.strip() or pack.title
    pack.sections = sections
    session.flush()
    return pack


def publish_pack(session: Session, principal: Principal | None, pack_id: uuid.UUID, by: str = "") -> BoardPack:
    """Publish a draft: from now on it never changes; its snapshot digest must still match."""
    pack = get_pack(session, principal, pack_id)
    _check(session, principal, PUBLISH, pack)
    _editable(pack)
    verify(pack)
    pack.status, pack.published_at = "published", utcnow()
    pack.published_by = principal.username if principal is not None else (by or "tandem")
    session.flush()
    return pack


def verify(pack: BoardPack) -> None:
    """Raise Conflict when the stored snapshot no longer matches its digest (it was altered outside Tandem)."""
    if digest(pack.snapshot) != pack.snapshot_sha256:
        raise Conflict(f"the data snapshot of the {pack.quarter} pack v{pack.version} does not match its SHA-256")


def ensure_current_draft(
    session: Session, now: dt.datetime | None = None, by: str = "", progress: board_queries.Progress | None = None
) -> BoardPack | None:
    """Create the current quarter's draft when the quarter has no pack yet (the scheduled job); else None."""
    now = now or utcnow()
    if auth.root_unit(session) is None:
        return None
    quarter = quarter_of(now.date())
    if BoardPackRepository(session).latest_version(quarter.label) is not None:
        return None
    return generate_pack(session, None, quarter.label, now=now, by=by or "scheduled job", progress=progress)


def included_sections(pack: BoardPack) -> list[dict[str, Any]]:
    """Return the sections that go into the documents, in order."""
    return [s for s in pack.sections if s.get("included")]


def file_stem(pack: BoardPack) -> str:
    """Return the download file name without extension, e.g. board-pack-2026Q4-v2."""
    return f"board-pack-{pack.quarter}-v{pack.version}"
