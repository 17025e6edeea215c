"""Watch rules: import feed documents (all items or none), match them to the organisation, list and triage them."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound
from tandem.platform.safety.errors import UnsafeInput
from tandem.reporting.queries import watch as queries
from tandem.reporting.settings import get_reporting_settings
from tandem.reporting.watch import feeds
from tandem.reporting.watch import repository as repo
from tandem.reporting.watch.models import WatchItem, WatchSource
from tandem.reporting.watch.schemas import ImportResult, TriageIn, WatchCounts, WatchItemRead

VIEW, WATCH = "reporting.view", "reporting.watch"
ITEM_SPEC = repo.ITEM_SPEC


def _check(session: Session, principal: Principal | None, action: str) -> None:
    """Check an action; None is the system itself (jobs, the demo), which may do anything."""
    if principal is not None:
        require(session, principal, action)


def check_format(fmt: str) -> str:
    """Return fmt if it is a format files can be side-loaded in, else raise a located error."""
    if fmt not in feeds.FORMATS:
        raise InvalidInput.one("source", f"unknown source format {fmt!r}; one of {', '.join(feeds.FORMATS)}")
    return fmt


def parse_document(
    fmt: str, data: bytes, name: str, checksum: bytes | None = None, source: str | None = None
) -> feeds.ParsedFeed:
    """Parse a document with the pure parsers; any problem becomes one located InvalidInput."""
    check_format(fmt)
    limit = get_reporting_settings().watch_max_feed_bytes
    try:
        if fmt == "rss":
            return feeds.parse_rss(data, name, source, limit)
        return feeds.parse(fmt, data, name, checksum, limit)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None


def _row(item: feeds.FeedItem, matches: list[feeds.Match]) -> WatchItem:
    details = {
        "remediations": list(item.remediations), "topics": list(item.topics),
        "jurisdictions": list(item.jurisdictions), "cfr": [str(r) for r in item.cfr_refs], **item.extra,
    }  # fmt: skip
    return WatchItem(
        source=item.source, external_id=item.external_id[:300], title=item.title[:500], url=item.url[:1000],
        summary=item.summary, published=item.published[:40], cves=list(item.cves),
        products=[dataclasses.asdict(p) for p in item.products], cvss=item.cvss, severity=item.severity[:16],
        details=details, matched=bool(matches), matches=[dataclasses.asdict(m) for m in matches], status="new",
    )  # fmt: skip


def _new_items(session: Session, parsed: feeds.ParsedFeed) -> tuple[list[feeds.FeedItem], str, str]:
    """Return the items not stored yet, the version to remember, and a note when nothing could be new."""
    known = repo.known_ids(session, parsed.source, (i.external_id for i in parsed.items))
    previous = repo.source_row(session, parsed.source)
    if parsed.source != "kev":
        return [i for i in parsed.items if i.external_id not in known], parsed.version, ""
    last = previous.last_version if previous and previous.last_version else None
    delta = feeds.kev_delta(parsed, last, known)
    note = "" if delta.newer else f"catalogue {parsed.version} is not newer than {last}, the version seen last"
    return list(delta.new), max(parsed.version, last or ""), note


def import_document(
    session: Session,
    principal: Principal | None,
    fmt: str,
    data: bytes,
    name: str,
    checksum: bytes | None = None,
    source: str | None = None,
) -> ImportResult:
    """Parse a feed document and store its new items with their matches, in the caller's transaction."""
    _check(session, principal, WATCH)
    parsed = parse_document(fmt, data, name, checksum, source)
    new, version, note = _new_items(session, parsed)
    profile = queries.org_profile(session)
    matched = 0
    for item in new:
        matches = feeds.match_item(item, profile)
        matched += bool(matches)
        session.add(_row(item, matches))
    row = repo.source_row(session, parsed.source) or WatchSource(source=parsed.source)
    row.last_version, row.last_imported_at = version[:100], utcnow()
    row.last_origin, row.last_new, row.last_error = name[:1000], len(new), ""
    session.add(row)
    session.flush()
    result = ImportResult(
        source=parsed.source, origin=name, version=parsed.version, items=len(parsed.items), new=len(new),
        matched=matched, already_seen=len(parsed.items) - len(new), note=note,
    )  # fmt: skip
    record_event(session, "reporting.watch_imported", WatchSource.__tablename__, str(row.id), result.model_dump())
    return result


def record_failure(session: Session, source: str, origin: str, reason: str) -> None:
    """Remember why the last fetch of a source failed (shown beside the source)."""
    row = repo.source_row(session, source) or WatchSource(source=source)
    row.last_origin, row.last_error = origin[:1000], reason[:4000]
    session.add(row)
    session.flush()


def list_items(session: Session, principal: Principal, req: PageRequest) -> Page[WatchItem]:
    """List watch items (filters: source, status, matched, severity; q searches title, summary, id)."""
    _check(session, principal, VIEW)
    return repo.list_page(session, req)


def get_item(session: Session, principal: Principal | None, item_id: uuid.UUID) -> WatchItem:
    """Return one watch item."""
    _check(session, principal, VIEW)
    item = repo.get_item(session, item_id)
    if item is None:
        raise NotFound("watch item not found")
    return item


def find_item(session: Session, principal: Principal | None, ref: str, source: str | None = None) -> WatchItem:
    """Return an item by id or by its source key (a CVE id, an advisory id, a document number)."""
    try:
        return get_item(session, principal, uuid.UUID(ref))
    except ValueError:
        pass
    _check(session, principal, VIEW)
    found = [i for i in repo.by_external_id(session, ref) if source in (None, i.source)]
    if not found:
        raise NotFound(f"no watch item {ref!r}" + (f" from {source}" if source else ""))
    if len(found) > 1:
        raise InvalidInput.one("source", f"{ref} is in {', '.join(sorted(i.source for i in found))}; name the source")
    return found[0]


def triage(session: Session, principal: Principal | None, item_id: uuid.UUID, data: TriageIn) -> WatchItem:
    """Record a triage decision: status, owner, follow-up task, links to a risk or a framework, notes."""
    item = get_item(session, principal, item_id)
    _check(session, principal, WATCH)
    changes = data.model_dump(exclude_unset=True)
    errors = queries.check_links(session, principal, changes)
    if errors:
        raise InvalidInput(errors)
    for key, value in changes.items():
        if key in ("status", "task_done") and value is None:
            raise InvalidInput.one(f"body.{key}", "may not be null")
        setattr(item, key, "" if value is None and key in ("task", "notes") else value)
    item.triaged_by, item.triaged_at = (principal.username if principal else "system")[:200], utcnow()
    session.flush()
    return item


def rematch(session: Session, principal: Principal | None) -> int:
    """Match every stored item again (after the inventory or the frameworks changed); return how many match."""
    _check(session, principal, WATCH)
    profile = queries.org_profile(session)
    matched = 0
    for item in repo.all_items(session):
        parsed = _as_feed_item(item)
        found = [dataclasses.asdict(m) for m in feeds.match_item(parsed, profile)]
        if found != item.matches:
            item.matches, item.matched = found, bool(found)
        matched += bool(found)
    session.flush()
    return matched


def _as_feed_item(item: WatchItem) -> feeds.FeedItem:
    details = item.details or {}
    refs = []
    for ref in details.get("cfr", []):
        title, _, part = str(ref).partition(" CFR ")
        if title.isdigit() and part.isdigit():
            refs.append(feeds.CfrRef(int(title), int(part)))
    return feeds.FeedItem(
        source=item.source, external_id=item.external_id, title=item.title, summary=item.summary,
        products=tuple(feeds.Product(p.get("vendor", ""), p.get("product", ""), tuple(p.get("versions", ())),
                                     p.get("status", "")) for p in item.products),
        cfr_refs=tuple(refs), topics=tuple(details.get("topics", ())),
        jurisdictions=tuple(details.get("jurisdictions", ())),
    )  # fmt: skip


def counts(session: Session, principal: Principal) -> WatchCounts:
    """Return the counts behind the list's filters."""
    _check(session, principal, VIEW)
    return WatchCounts(**repo.counts(session))


def source_status(session: Session, principal: Principal) -> list[dict[str, Any]]:
    """Return each source: whether fetching is on, where from, and its last import or error."""
    _check(session, principal, VIEW)
    settings = get_reporting_settings()
    rows = {r.source: r for r in repo.sources(session)}
    enabled = set(settings.enabled_sources())
    out = []
    for source in feeds.SOURCES:
        row = rows.get(source)
        urls = settings.source_urls(source) if source != "rss" else []
        out.append({
            "source": source, "enabled": source in enabled, "urls": urls,
            "last_version": row.last_version if row else "", "last_imported_at": row.last_imported_at if row else None,
            "last_origin": row.last_origin if row else "", "last_new": row.last_new if row else 0,
            "last_error": row.last_error if row else "",
        })  # fmt: skip
    return out


def to_read(item: WatchItem) -> WatchItemRead:
    """Return the output schema of an item."""
    return WatchItemRead.model_validate(item)
