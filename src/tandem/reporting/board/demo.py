"""Demo: this quarter's board pack, generated from every domain's sample data and published by the CIO."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.db.types import utcnow
from tandem.reporting.board import service
from tandem.reporting.board.quarters import quarter_of
from tandem.reporting.board.schemas import BoardPackUpdate, SectionPatch

COMMENTARY = {
    "summary": "Exposure is concentrated in three scenarios; the plan before you funds their treatment first.",
    "incidents": "The vendor breach is contained; regulators are being notified on the clocks shown.",
}


def load_demo(session: Session, org: Any) -> None:
    """Generate and publish the current quarter's pack (runs after every other domain's demo)."""
    quarter = quarter_of(utcnow().date()).label
    pack = service.generate_pack(session, None, quarter, by="cio")
    patches = [SectionPatch(key=key, commentary=text) for key, text in COMMENTARY.items()]
    service.update_pack(session, None, pack.id, BoardPackUpdate(sections=patches))
    service.publish_pack(session, None, pack.id, by="cio")
