"""Phishing simulations: import GoPhish or generic results, metrics per campaign and department, repeat clickers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import InvalidInput, NotFound
from tandem.training import actions
from tandem.training import repository as repo
from tandem.training.common import check, require_in_unit
from tandem.training.engine import phishing as engine
from tandem.training.importers import generic, gophish
from tandem.training.importers.common import PhishingRow
from tandem.training.models import PhishingCampaign, PhishingResult
from tandem.training.repository import TrainingRepository

FORMATS = ("gophish-csv", "gophish-json", "csv")
REPEAT_MIN_CAMPAIGNS = 2
REPEAT_WINDOW = dt.timedelta(days=365)
TIMES = ("sent_at", "opened_at", "clicked_at", "submitted_at", "reported_at")


def detect_format(data: bytes, file_name: str) -> str:
    """Guess the format from the name and header: JSON is a GoPhish timeline; a status column means GoPhish."""
    if file_name.lower().endswith(".json"):
        return "gophish-json"
    header = data[:2000].decode("utf-8", "replace").splitlines()[0] if data else ""
    columns = {c.strip().strip('"').lstrip("\ufeff") for c in header.split(",")}
    return "gophish-csv" if {"status", "send_date"} <= columns else "csv"


def parse(data: bytes, file_name: str, fmt: str | None) -> list[PhishingRow]:
    """Parse a results file in one of FORMATS (None: detect)."""
    fmt = fmt or detect_format(data, file_name)
    if fmt not in FORMATS:
        raise InvalidInput.one("format", f"must be one of {', '.join(FORMATS)}")
    if fmt == "gophish-json":
        return gophish.parse_json(data, file_name)
    return gophish.parse_csv(data, file_name) if fmt == "gophish-csv" else generic.parse_csv(data, file_name)


def import_results(
    session: Session, principal: Principal | None, data: bytes, file_name: str, *, campaign: str,
    unit_id: uuid.UUID, fmt: str | None = None, template: str = "",
) -> dict[str, Any]:  # fmt: skip
    """Import one campaign's results (all or nothing), then assign remedial training to repeat clickers.

    Importing a campaign again (GoPhish exports are downloaded again as a campaign runs) updates it: one result
    per recipient, each event keeping its earliest time, and the changes recorded in the audit log."""
    from tandem.training import programs  # programs use this module's repeat clickers

    if principal is not None:
        require(session, principal, actions.IMPORT.name)
    require_in_unit(session, principal, unit_id, actions.IMPORT.name, "unit")
    name = campaign.strip()[:300]
    if not name:
        raise InvalidInput.one("campaign", "give the campaign a name")
    rows = merge_rows(parse(data, file_name, fmt))
    if not rows:
        raise InvalidInput.one(file_name, "the file holds no results")
    people = repo.people_by_email(session, repo.subtree_ids(session, unit_id))
    launched = min((r.sent_at for r in rows if r.sent_at), default=None)
    found = TrainingRepository(session, PhishingCampaign).visible(None, org_unit_id=unit_id, name=name)
    if found:
        row = found[0]
        if principal is not None:
            check(session, principal, actions.IMPORT.name, row)
        row.launched_at = _earliest(row.launched_at, launched)
        if template:
            row.template = template[:300]
    else:
        row = TrainingRepository(session, PhishingCampaign).add(PhishingCampaign(
            name=name, launched_at=launched, template=template[:300], org_unit_id=unit_id,
            source=f"imported {file_name}"[:200]))  # fmt: skip
    held = {r.email: r for r in repo.results_of(session, [row.id])} if found else {}
    counts, changes = _upsert(session, row.id, rows, held, people)
    session.flush()
    remedial = programs.recompute_by_rule(session, "repeat_clickers")
    matched = sum(r.email in people for r in rows)
    summary = {"campaign_id": str(row.id), "campaign": name, "results": len(rows), "matched": matched,
               "unmatched": len(rows) - matched, "remedial_assigned": remedial, "reimport": bool(found),
               **counts}  # fmt: skip
    event = "training.phishing_reimported" if found else "training.phishing_imported"
    record_event(session, event, "training_phishing_campaigns", str(row.id),
                 {**summary, "file": file_name, "changes": changes[:500]})  # fmt: skip
    return summary


def reimport_note(summary: dict[str, Any]) -> str:
    """Return what a re-import changed, for the CLI and the page ("" for a first import)."""
    if not summary.get("reimport"):
        return ""
    return (f"; campaign updated: {summary['added']} recipients added, {summary['updated']} with new events, "
            f"{summary['unchanged']} unchanged")  # fmt: skip


def merge_rows(rows: list[PhishingRow]) -> list[PhishingRow]:
    """Return one row per recipient: repeated rows of one e-mail keep each event's earliest time."""
    merged: dict[str, PhishingRow] = {}
    for r in rows:
        old = merged.get(r.email)
        if old is None:
            merged[r.email] = r
            continue
        times: dict[str, Any] = {t: _earliest(getattr(old, t), getattr(r, t)) for t in TIMES}
        merged[r.email] = dataclasses.replace(old, department=old.department or r.department, **times)
    return list(merged.values())


def _earliest(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return min(a, b) if a is not None and b is not None else a or b


def _upsert(
    session: Session, campaign_id: uuid.UUID, rows: list[PhishingRow], held: dict[str, PhishingResult],
    people: dict[str, Any],
) -> tuple[dict[str, int], list[dict[str, Any]]]:  # fmt: skip
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    changes: list[dict[str, Any]] = []
    for r in rows:
        person = people.get(r.email)
        dept = (person.department if person else r.department)[:200]
        old = held.get(r.email)
        if old is None:
            session.add(
                PhishingResult(
                    campaign_id=campaign_id,
                    person_id=person.id if person else None,
                    email=r.email,
                    department=dept,
                    **{t: getattr(r, t) for t in TIMES},
                )
            )
            counts["added"] += 1
            continue
        changed = {}
        for t in TIMES:
            value = _earliest(getattr(old, t), getattr(r, t))
            if value != getattr(old, t):
                changed[t] = [_iso(getattr(old, t)), _iso(value)]
                setattr(old, t, value)
        if person is not None and old.person_id != person.id:
            old.person_id = person.id
        if dept and old.department != dept:
            old.department = dept
        counts["updated" if changed else "unchanged"] += 1
        if changed:
            changes.append({"email": r.email, **changed})
    return counts, changes


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _outcomes(results: list[PhishingResult], names: dict[uuid.UUID, str]) -> list[engine.Outcome]:
    return [engine.Outcome(names.get(r.campaign_id, str(r.campaign_id)), r.email, r.department,
                           *(getattr(r, t) for t in TIMES)) for r in results]  # fmt: skip


def repeat_clicker_ids(session: Session, unit_ids: list[uuid.UUID] | None) -> set[uuid.UUID]:
    """Return the people who clicked in at least two campaigns launched in the last year."""
    since = utcnow() - REPEAT_WINDOW
    campaigns = [c for c in repo.campaigns_in(session, unit_ids) if c.launched_at is None or c.launched_at >= since]
    rows = repo.click_rows(session, [c.id for c in campaigns])
    by_email = {email: person_id for _, email, person_id, _, _ in rows if person_id}
    outcomes = [engine.Outcome(c, email, "", None, None, clicked, submitted, None)
                for c, email, _, clicked, submitted in rows]  # fmt: skip
    return {by_email[e] for e in engine.repeat_clickers(outcomes, REPEAT_MIN_CAMPAIGNS) if e in by_email}


def get_campaign(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> PhishingCampaign:
    """Return a campaign principal may see."""
    obj = TrainingRepository(session, PhishingCampaign).get(principal, campaign_id)
    if obj is None:
        raise NotFound("phishing campaign not found")
    return obj


def delete_campaign(session: Session, principal: Principal | None, campaign_id: uuid.UUID) -> None:
    """Delete a campaign and its results."""
    campaign = get_campaign(session, principal, campaign_id)
    check(session, principal, actions.EDIT.name, campaign)
    TrainingRepository(session, PhishingCampaign).delete(campaign)


def overview(session: Session, principal: Principal) -> dict[str, Any]:
    """Return each visible campaign's metrics (oldest first), departments over all of them, and repeat clickers."""
    require(session, principal, actions.VIEW.name)
    campaigns = repo.campaigns_in(session, visible_unit_ids(session, principal, actions.VIEW.name))
    names = {c.id: c.name for c in campaigns}
    results = repo.results_of(session, list(names))
    outcomes = _outcomes(results, names)
    rows = []
    for c in campaigns:
        mine = [o for o in outcomes if o.campaign == c.name]
        rows.append({"id": str(c.id), "name": c.name, "launched_at": c.launched_at, "template": c.template,
                     **engine.metrics(mine), "departments": engine.by_department(mine)})  # fmt: skip
    clickers = engine.repeat_clickers(outcomes, REPEAT_MIN_CAMPAIGNS)
    depts = {r.email: r.department for r in results}
    return {"campaigns": rows, "departments": engine.by_department(outcomes),
            "repeat_clickers": [{"email": e, "campaigns": n, "department": depts.get(e, "")}
                                for e, n in clickers.items()]}  # fmt: skip


def overview_all(session: Session) -> dict[str, Any]:
    """Return the overview over every unit (jobs, tests, the CLI console)."""
    campaigns = repo.campaigns_in(session, None)
    names = {c.id: c.name for c in campaigns}
    outcomes = _outcomes(repo.results_of(session, list(names)), names)
    return {"campaigns": [{"name": c.name, **engine.metrics([o for o in outcomes if o.campaign == c.name]),
                           "departments": engine.by_department([o for o in outcomes if o.campaign == c.name])}
                          for c in campaigns]}  # fmt: skip
