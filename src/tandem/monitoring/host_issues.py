"""What a decision on a discovered host does to its network findings: adopting it moves them from the address to
the new asset (keeping triage and history, so the next scan continues them); dismissing it closes them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tandem.monitoring import issues
from tandem.monitoring import issues_repository as irepo
from tandem.monitoring.models import DiscoveredHost, NetworkIssue

# How strongly a person decided about a finding: a merge keeps the stronger decision. A still-open finding beats a
# fixed one (one of the two was seen after the other was fixed: the conservative reading is that it is open).
_TRIAGE_STRENGTH = {"false_positive": 3, "accepted": 2, "open": 1, "fixed": 0}
_TRIAGE_FIELDS = ("status", "status_reason", "status_by", "status_at", "accepted_until", "fixed_at", "regressed")
_EVIDENCE_FIELDS = ("last_seen_at", "last_scan_id", "severity", "detail", "cves")


@dataclass
class Rekeyed:
    """What adopting a host did to its findings."""

    moved: int = 0
    merged: int = 0
    closed: int = 0


def host_prefix(address: str) -> str:
    """Return the key prefix of every finding about an address no asset claims (see issues.issue_key)."""
    return issues.issue_key(None, address, "", [], None, None).split("|", 1)[0] + "|"


def _strength(issue: NetworkIssue, now: dt.datetime) -> int:
    return _TRIAGE_STRENGTH.get(issues.effective_status(issue, now), 0)


def _merge(into: NetworkIssue, other: NetworkIssue, session: Session, now: dt.datetime) -> None:
    """Fold other into into: earliest first sighting, newest evidence, all sightings, the stronger triage."""
    if _strength(other, now) > _strength(into, now):
        for name in _TRIAGE_FIELDS:
            setattr(into, name, getattr(other, name))
    if other.last_seen_at > into.last_seen_at:
        for name in _EVIDENCE_FIELDS:
            setattr(into, name, getattr(other, name))
    into.first_seen_at = min(into.first_seen_at, other.first_seen_at)
    into.occurrences += other.occurrences
    into.priority = issues.priority(into.status, into.severity)
    irepo.move_sightings(session, other.id, into.id)
    session.delete(other)


def adopt_issues(session: Session, host: DiscoveredHost, asset_id: uuid.UUID, who: str, now: dt.datetime) -> Rekeyed:
    """Re-key the findings of an adopted host to its asset, merging into any the asset already has; close the
    host's unknown-host finding (it stays keyed to the address, so it regresses if the address is unknown again)."""
    prefix = host_prefix(host.address)
    found = irepo.keyed_under(session, host.org_unit_id, prefix)
    targets = {f"asset:{asset_id}|{i.key[len(prefix) :]}"[:600]: i for i in found if i.rule != "unknown-host"}
    existing = irepo.by_keys(session, host.org_unit_id, list(targets))
    done = Rekeyed()
    for issue in found:
        if issue.rule == "unknown-host" and issues.effective_status(issue, now) in ("open", "accepted"):
            issue.fixed_at = now
            issues.set_status(issue, "fixed", f"host {host.address} adopted into the inventory", who, now)
            done.closed += 1
    for key, issue in targets.items():
        twin = existing.get(key)
        if twin is None:
            issue.key, issue.asset_id = key, asset_id
            done.moved += 1
        else:
            _merge(twin, issue, session, now)
            done.merged += 1
    session.flush()
    return done


def dismiss_issues(session: Session, host: DiscoveredHost, who: str, now: dt.datetime) -> int:
    """Close the dismissed host's open and accepted findings as false positives naming the dismissal: later scans
    that still report them leave them closed (a fixed finding would reopen as a regression)."""
    closed = 0
    for issue in irepo.keyed_under(session, host.org_unit_id, host_prefix(host.address)):
        if issues.effective_status(issue, now) in ("open", "accepted"):
            issues.set_status(issue, "false_positive", issues.dismissal_reason(host), who, now)
            closed += 1
    session.flush()
    return closed
