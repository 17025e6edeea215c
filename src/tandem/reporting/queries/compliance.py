"""Compliance coverage per framework, from each framework's newest assessment: how many requirements are
satisfied, partially satisfied, not satisfied or still not assessed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.compliance.models import Assessment, Framework, Result
from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, may, ratio, scoped

VIEW = "compliance.view"
STATES = ("satisfied", "partially", "not-satisfied", "not-assessed", "not-applicable")


@dataclass
class FrameworkCoverage:
    """One framework's newest assessment and its results per state."""

    framework: str
    assessment: str
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    url: str = ""

    @property
    def applicable(self) -> int:
        """Return the requirements that apply (everything but not-applicable)."""
        return sum(n for s, n in self.counts.items() if s != "not-applicable")

    @property
    def coverage(self) -> float | None:
        """Return the satisfied share of the applicable requirements (partially counts half)."""
        done = self.counts.get("satisfied", 0) + 0.5 * self.counts.get("partially", 0)
        return ratio(done, self.applicable)


@graceful(list)
def coverage_by_framework(session: Session, principal: Principal) -> list[FrameworkCoverage]:
    """Return, per framework, the newest visible assessment's result counts (frameworks by name)."""
    if not may(principal, VIEW):
        return []
    stmt = scoped(
        select(Assessment.id, Assessment.title, Assessment.status, Assessment.framework_id, Framework.name)
        .join(Framework, Framework.id == Assessment.framework_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc()),
        session, principal, Assessment, VIEW,
    )  # fmt: skip
    newest: dict[object, tuple[object, str, str, str]] = {}
    for aid, title, status, fid, name in session.execute(stmt):
        newest.setdefault(fid, (aid, title, status, name))
    if not newest:
        return []
    ids = [v[0] for v in newest.values()]
    counts: dict[object, dict[str, int]] = {}
    rows = session.execute(
        select(Result.assessment_id, Result.result, func.count()).where(Result.assessment_id.in_(ids))
        .group_by(Result.assessment_id, Result.result)
    )  # fmt: skip
    for aid, state, n in rows:
        counts.setdefault(aid, {})[state] = int(n)
    out = [
        FrameworkCoverage(name, title, status, {s: counts.get(aid, {}).get(s, 0) for s in STATES},
                          f"/compliance/assessments/{aid}")
        for aid, title, status, name in newest.values()
    ]  # fmt: skip
    return sorted(out, key=lambda c: c.framework)
