"""Access-review progress: per active campaign, how many review items are decided and how many days are left."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tandem.access.models import Campaign, ReviewItem
from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, may, ratio, scoped

VIEW = "access.view"


@dataclass
class CampaignProgress:
    """One active review campaign."""

    id: str
    name: str
    due_date: dt.date
    items: int
    decided: int
    revoked: int
    url: str

    @property
    def progress(self) -> float | None:
        """Return the decided share of the items."""
        return ratio(self.decided, self.items)

    def days_left(self, today: dt.date | None = None) -> int:
        """Return the days until the due date (negative when overdue)."""
        return (self.due_date - (today or dt.date.today())).days


@dataclass
class ReviewProgress:
    """Every active campaign principal may see, soonest due first."""

    campaigns: list[CampaignProgress] = field(default_factory=list)
    list_url: str = "/access/campaigns"

    @property
    def items(self) -> int:
        """Return all review items of the active campaigns."""
        return sum(c.items for c in self.campaigns)

    @property
    def decided(self) -> int:
        """Return the decided review items of the active campaigns."""
        return sum(c.decided for c in self.campaigns)

    @property
    def progress(self) -> float | None:
        """Return the decided share over every active campaign."""
        return ratio(self.decided, self.items)


@graceful(ReviewProgress)
def review_progress(session: Session, principal: Principal) -> ReviewProgress:
    """Return decided / total review items per active campaign."""
    if not may(principal, VIEW):
        return ReviewProgress()
    campaigns = session.scalars(
        scoped(select(Campaign).where(Campaign.status == "active"), session, principal, Campaign, VIEW)
        .order_by(Campaign.due_date, Campaign.id)
    ).all()  # fmt: skip
    if not campaigns:
        return ReviewProgress()
    decided = func.coalesce(func.sum(case((ReviewItem.decision != "", 1), else_=0)), 0)
    revoked = func.coalesce(func.sum(case((ReviewItem.decision == "revoke", 1), else_=0)), 0)
    stmt = scoped(
        select(ReviewItem.campaign_id, func.count(), decided, revoked)
        .where(ReviewItem.campaign_id.in_([c.id for c in campaigns]))
        .group_by(ReviewItem.campaign_id),
        session, principal, ReviewItem, VIEW,
    )  # fmt: skip
    counts = {cid: (int(n), int(d), int(r)) for cid, n, d, r in session.execute(stmt)}
    return ReviewProgress(
        [CampaignProgress(str(c.id), c.name, c.due_date, *counts.get(c.id, (0, 0, 0)), f"/access/campaigns/{c.id}")
         for c in campaigns]
    )  # fmt: skip
