"""People and awareness: training completion and the latest phishing simulation's click and report rates (the
numbers of the training domain's own CISO panel, for the metrics and the board pack)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tandem.platform.auth.principal import Principal
from tandem.reporting.queries.common import graceful, may
from tandem.training import phishing, status

VIEW = "training.view"


@dataclass
class Awareness:
    """Training completion over every visible assignment, and the newest phishing campaign."""

    assigned: int = 0
    completed: int = 0
    overdue: int = 0
    completion: float | None = None
    campaign: str = ""
    click_rate: float | None = None
    report_rate: float | None = None
    repeat_clickers: int = 0
    url: str = "/training"
    phishing_url: str = "/training/phishing"


@graceful(Awareness)
def awareness(session: Session, principal: Principal) -> Awareness:
    """Return training completion and the newest phishing campaign's rates (None while there is no data)."""
    if not may(principal, VIEW):
        return Awareness()
    overall = status.summary(session, principal)["overall"]
    phish = phishing.overview(session, principal)
    out = Awareness(int(overall["assigned"]), int(overall["completed"]), int(overall["overdue"]),
                    float(overall["rate"]) if overall["assigned"] else None,
                    repeat_clickers=len(phish["repeat_clickers"]))  # fmt: skip
    if phish["campaigns"]:
        latest = phish["campaigns"][-1]
        out.campaign = str(latest["name"])
        out.click_rate, out.report_rate = latest.get("click_rate"), latest.get("report_rate")
    return out
