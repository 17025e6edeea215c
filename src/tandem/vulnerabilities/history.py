"""Feed history: when a CVE entered KEV or its KEV terms changed, and its EPSS score over time.

EPSS publishes a score for every CVE every day and most move by a hair; keeping each one would add ~300k rows a day.
A point is kept when a CVE is first scored, when the model changes (scores of different models are not comparable),
or when the score moved at least `epss_history_min_change` away from the last kept point, so the series drawn from
the kept points is never further than that from the daily truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tandem.vulnerabilities.models import EpssScore, FeedHistory
from tandem.vulnerabilities.settings import get_vulnerability_settings

CHUNK = 500
KEV_FIELDS = ("date_added", "due_date", "ransomware")


def _day(raw: str, now: dt.datetime) -> str:
    """Return the YYYY-MM-DD of a feed date (EPSS writes `2026-09-29` or `2026-09-29T00:00:00+0000`)."""
    head = (raw or "")[:10]
    try:
        return dt.date.fromisoformat(head).isoformat()
    except ValueError:
        return now.date().isoformat()


def _epss_before(session: Session, cve_ids: Sequence[str]) -> dict[str, tuple[str, float | None]]:
    out: dict[str, tuple[str, float | None]] = {}
    for start in range(0, len(cve_ids), CHUNK):
        stmt = select(EpssScore.cve_id, EpssScore.model_version, EpssScore.history_score).where(
            EpssScore.cve_id.in_(cve_ids[start : start + CHUNK])
        )
        out.update({row[0]: (row[1], row[2]) for row in session.execute(stmt)})
    return out


def note_epss(session: Session, rows: list[dict[str, Any]], now: dt.datetime) -> None:
    """Add history points for the changed EPSS rows that moved enough, and stamp each row's `history_score`."""
    if not rows:
        return
    threshold = get_vulnerability_settings().epss_history_min_change
    before = _epss_before(session, [r["cve_id"] for r in rows])
    points = []
    for row in rows:
        model, kept = before.get(row["cve_id"], (None, None))
        moved = kept is None or model != row["model_version"] or abs(row["score"] - kept) >= threshold
        row["history_score"] = row["score"] if moved else kept
        if moved:
            points.append({
                "kind": "epss", "cve_id": row["cve_id"], "observed_on": _day(row["score_date"], now),
                "data": {"score": row["score"], "percentile": row["percentile"], "model_version": row["model_version"]},
                "recorded_at": now,
            })  # fmt: skip
    if points:
        session.execute(insert(FeedHistory), points)


def note_kev(
    session: Session, rows: list[dict[str, Any]], before: dict[str, tuple[Any, ...]], now: dt.datetime
) -> None:
    """Add a history entry per KEV row that is new (`added`) or whose terms changed (`changed`, with what was)."""
    points = []
    for row in rows:
        old = before.get(row["cve_id"])
        data: dict[str, Any] = {"event": "added" if old is None else "changed", **{f: row[f] for f in KEV_FIELDS}}
        if old is not None:
            data["was"] = dict(zip(KEV_FIELDS, old, strict=True))
        # An addition is dated by CISA's date added (the catalogue's own record); a change by when it was seen.
        day = _day(row["date_added"], now) if old is None else now.date().isoformat()
        points.append({"kind": "kev", "cve_id": row["cve_id"], "observed_on": day, "data": data,
                       "recorded_at": now})  # fmt: skip
    if points:
        session.execute(insert(FeedHistory), points)


def history_of(session: Session, cve_id: str, kind: str) -> list[FeedHistory]:
    """Return a CVE's history entries of one feed, oldest first."""
    stmt = (
        select(FeedHistory)
        .where(FeedHistory.cve_id == cve_id, FeedHistory.kind == kind)
        .order_by(FeedHistory.observed_on, FeedHistory.id)
    )
    return list(session.scalars(stmt))
