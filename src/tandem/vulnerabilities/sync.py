"""Feed sync rules: queue NVD/KEV/EPSS syncs, show the NVD cursor, and run the NVD API sync page by page.

Each NVD page is stored in its own short transaction together with the cursor that points past it, so a sync that
stops (refused, killed, cancelled) loses nothing and the next one continues at the first page not stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import enqueue
from tandem.vulnerabilities import actions, ingest
from tandem.vulnerabilities import sync_repository as repo
from tandem.vulnerabilities.models import FeedImport
from tandem.vulnerabilities.nvd_api import NvdClient, NvdPage, Window, nvd_time
from tandem.vulnerabilities.schemas import NvdSyncRead, SyncRequest
from tandem.vulnerabilities.settings import get_vulnerability_settings
from tandem.vulnerabilities.sync_models import NvdSyncState

SYNC_JOB, FETCH_JOB, MATCH_JOB = (
    "vulnerabilities.sync_nvd",
    "vulnerabilities.fetch_feed",
    "vulnerabilities.match_inventory",
)
Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass
class Hooks:
    """How a running sync reports progress, notices cancellation and logs (a job's context, or nothing)."""

    progress: Callable[[float, float | None, str], None] = lambda _d, _t, _m: None
    check_cancelled: Callable[[], None] = lambda: None
    log: Callable[[str], None] = lambda _line: None


@dataclass(frozen=True)
class Cursor:
    """A detached copy of the state row: what the loop needs between transactions."""

    active: bool
    window: Window
    next_index: int
    total: int | None
    pages: int
    records: int
    changed: int

    @classmethod
    def of(cls, s: NvdSyncState) -> Cursor:
        window = (s.window_start, s.window_end) if s.window_start and s.window_end else None
        return cls(s.span_end is not None, window, s.next_index, s.total_results, s.run_pages, s.run_records,
                   s.run_changed)  # fmt: skip


def queue_sync(session: Session, principal: Principal, req: SyncRequest) -> list[Job]:
    """Queue the NVD API sync and the KEV / EPSS downloads asked for (fetching must be enabled)."""
    require(session, principal, actions.EDIT.name)
    if not get_vulnerability_settings().fetch_enabled:
        raise Conflict("feed fetching is off (TANDEM_VULNERABILITIES_FETCH_ENABLED=true enables it); "
                       "side-load feed files instead")  # fmt: skip
    if not req.only:
        raise InvalidInput.one("only", "choose at least one of nvd, kev, epss")
    if req.full and req.since:
        raise InvalidInput.one("since", "a full load takes every CVE; leave since empty")
    if req.since and req.since > utcnow().date():
        raise InvalidInput.one("since", "is in the future")
    busy = repo.active_jobs(session, (SYNC_JOB, FETCH_JOB))
    if busy:
        raise Conflict(f"a feed sync is already queued or running (job {busy[0].id}); wait for it to finish")
    jobs = []
    if "nvd" in req.only:
        since = req.since.isoformat() if req.since else None
        jobs.append(enqueue(session, SYNC_JOB, {"since": since, "full": req.full, "match": req.match}))
    for kind in ("kev", "epss"):
        if kind in req.only:
            jobs.append(enqueue(session, FETCH_JOB, {"kind": kind, "match": req.match}))
    return jobs


def queue_due(session: Session, now: dt.datetime) -> dict[str, Any]:
    """Queue a sync of every feed when fetching is on and the last NVD sync finished `sync_every_hours` ago (the
    hourly scheduler's check); say why not otherwise."""
    settings = get_vulnerability_settings()
    if not settings.fetch_enabled or settings.sync_every_hours <= 0:
        return {"queued": [], "why": "fetching is off" if not settings.fetch_enabled else "scheduled sync is off"}
    if repo.active_jobs(session, (SYNC_JOB, FETCH_JOB)):
        return {"queued": [], "why": "a sync is already queued or running"}
    state = repo.get_state(session)
    # An interrupted sync (span_end set) is due at once: it resumes at its cursor.
    if state is not None and state.span_end is None and state.last_finished_at is not None:
        last = state.last_finished_at
        if now - last < dt.timedelta(hours=settings.sync_every_hours):
            return {"queued": [], "why": f"last sync finished {last.isoformat(timespec='minutes')}"}
    jobs = [enqueue(session, SYNC_JOB, {"since": None, "full": False, "match": True})]
    jobs += [enqueue(session, FETCH_JOB, {"kind": kind, "match": True}) for kind in ("kev", "epss")]
    return {"queued": [str(j.id) for j in jobs], "why": "due"}


def sync_state(session: Session, principal: Principal) -> NvdSyncRead:
    """Return the NVD sync cursor, the last completed window and the last error."""
    require(session, principal, actions.VIEW.name)
    settings = get_vulnerability_settings()
    state = repo.get_state(session)
    read = NvdSyncRead.model_validate(state) if state is not None else NvdSyncRead()
    read.in_progress = state is not None and state.span_end is not None
    read.fetch_enabled, read.api_url = settings.fetch_enabled, settings.nvd_api_url
    read.api_key_set = bool(settings.nvd_api_key.get_secret_value().strip())
    return read


def queue_match_once(session: Session) -> Job | None:
    """Queue a delta match unless one is already waiting (it will see these changes too)."""
    if repo.active_jobs(session, (MATCH_JOB,), ("queued",)):
        return None
    return enqueue(session, MATCH_JOB, {"mode": "delta"})


def _begin(state: NvdSyncState, since: dt.date | None, full: bool, now: dt.datetime) -> bool:
    """Continue an interrupted sync (return True) or start one: full, from `since`, or where the last one ended."""
    if state.span_end is not None and since is None and not full:
        return True
    settings = get_vulnerability_settings()
    start: dt.datetime | None = None
    if not full:
        fallback = now - dt.timedelta(days=settings.nvd_initial_days)
        start = dt.datetime.combine(since, dt.time.min, dt.UTC) if since else (state.synced_to or fallback)
        start = min(start, now)
    state.mode, state.span_start, state.span_end = ("full" if full else "incremental"), start, now
    state.window_start = start
    state.window_end = None if start is None else min(start + dt.timedelta(days=settings.nvd_window_days), now)
    state.next_index, state.total_results, state.run_started_at = 0, None, now
    state.run_pages = state.run_records = state.run_changed = 0
    return False


def _advance(state: NvdSyncState, page: NvdPage, changed: int) -> bool:
    """Move the cursor past a stored page; return True when the whole span is done."""
    state.next_index += page.count
    state.total_results = page.total_results
    state.run_pages, state.run_records = state.run_pages + 1, state.run_records + page.count
    state.run_changed += changed
    if page.count and state.next_index < page.total_results:
        return False
    if state.mode == "full" or state.window_end is None or state.span_end is None or state.window_end >= state.span_end:
        return True
    days = dt.timedelta(days=get_vulnerability_settings().nvd_window_days)
    state.window_start, state.window_end = state.window_end, min(state.window_end + days, state.span_end)
    state.next_index, state.total_results = 0, None
    return False


def _span_label(start: dt.datetime | None, end: dt.datetime | None) -> str:
    return f"lastModified {nvd_time(start)[:10]}..{nvd_time(end)[:10]}" if start and end else "all CVEs"


def _finish(session: Session, state: NvdSyncState, who: str, match: bool) -> dict[str, Any]:
    now, label = utcnow(), _span_label(state.span_start, state.span_end)
    state.last_span_start, state.synced_to, state.last_finished_at = state.span_start, state.span_end, now
    state.last_records, state.last_changed, state.last_error, state.last_error_at = (
        state.run_records, state.run_changed, "", None)  # fmt: skip
    state.span_start = state.span_end = state.window_start = state.window_end = None
    state.next_index, state.total_results = 0, None
    session.add(FeedImport(kind="nvd", file_name=f"NVD API {label}"[:200], version="CVE API 2.0",
                           records=state.run_records, changed=state.run_changed, imported_by=who[:200]))  # fmt: skip
    queued = queue_match_once(session) if match and state.run_changed else None
    details = {"mode": state.mode, "span": label, "pages": state.run_pages, "records": state.run_records,
               "changed": state.run_changed, "match_job": str(queued.id) if queued else None}  # fmt: skip
    record_event(session, "vulnerabilities.nvd_synced", NvdSyncState.__tablename__, repo.SOURCE, details)
    return {**details, "synced_to": state.synced_to.isoformat() if state.synced_to else None}


def record_failure(transaction: Transaction, error: str) -> None:
    """Keep why the sync stopped next to its cursor and audit the failed run."""
    with transaction() as session:
        state = repo.state_for_update(session)
        state.last_error, state.last_error_at = error[:2000], utcnow()
        details = {"error": error[:500], "window": _span_label(state.window_start, state.window_end),
                   "next_index": state.next_index, "records": state.run_records}  # fmt: skip
        record_event(session, "vulnerabilities.nvd_sync_failed", NvdSyncState.__tablename__, repo.SOURCE, details)


def _store_page(transaction: Transaction, page: NvdPage, who: str, match: bool) -> tuple[Cursor, dict[str, Any]]:
    parsed = ingest.parse_feed("nvd", page.body, f"NVD API page startIndex={page.start_index}")
    with transaction() as session:
        state = repo.state_for_update(session)
        changed = ingest.store_rows(session, "nvd", parsed.rows, utcnow())
        done = _advance(state, page, changed)
        result = _finish(session, state, who, match) if done else {}
        return Cursor.of(state), result


def run_nvd_sync(
    transaction: Transaction,
    make_client: Callable[[], NvdClient],
    who: str,
    *,
    since: dt.date | None = None,
    full: bool = False,
    match: bool = True,
    hooks: Hooks | None = None,
) -> dict[str, Any]:
    """Sync NVD CVEs through the API from the stored cursor (or a new span) to now, one transaction per page."""
    hooks = hooks or Hooks()
    result: dict[str, Any] = {}
    try:
        client = make_client()  # first: a refused client leaves no half-started span behind
        with transaction() as session:
            state = repo.state_for_update(session)
            resumed = _begin(state, since, full, utcnow())
            cursor = Cursor.of(state)
        if resumed:
            span = _span_label(*cursor.window) if cursor.window else "all CVEs"
            hooks.log(f"resuming the interrupted sync at startIndex {cursor.next_index} of {span}")
        while cursor.active:
            hooks.check_cancelled()
            page = client.page(cursor.window, cursor.next_index)
            cursor, result = _store_page(transaction, page, who, match)
            left = (cursor.total or 0) - cursor.next_index if cursor.active else 0
            span = _span_label(*cursor.window) if cursor.window else "all CVEs"
            hooks.progress(
                cursor.records,
                cursor.records + max(left, 0),
                f"{span}: {cursor.pages} pages, {cursor.records} records, {cursor.changed} new or changed",
            )
    except Exception as exc:
        record_failure(transaction, str(exc) or type(exc).__name__)
        raise
    hooks.log(f"NVD sync done: {result.get('records', 0)} records, {result.get('changed', 0)} new or changed")
    return {**result, "resumed": resumed, "requests": client.requests}
