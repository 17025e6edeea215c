"""The vendor-facing questionnaire page in a real browser: no account, answer, evidence, submit; and what a
tampered or expired link shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tandem.platform.auth.models import AccessLink
from tandem.platform.config import get_settings
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tandem.vendors import assessments
from tandem.vendors.schemas import AssessmentCreate
from tests.ui.conftest import Server

pytestmark = pytest.mark.ui
QUESTIONS = (
    b"ID,Section,Question,Weight\nQ1,Access,Is MFA enforced for administrators?,3\n"
    b"Q2,Data,Is data encrypted at rest?,2\n"
)


def _send(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Create a vendor, a two-question questionnaire and two assessments in the served database."""
    # Link digests are keyed with the server's secret, which lives in its data folder.
    monkeypatch.setenv("TANDEM_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    db = Database(make_engine(f"sqlite:///{data_dir / 'tandem.db'}"))
    with unit_of_work(db) as session:
        root = auth.root_unit(session)
        assert root is not None
        kind = KINDS["vendors"]
        vendor = inventory.create_record(session, None, kind, kind.create.model_validate(
            {"name": "Fabrikam Payroll", "org_unit_id": root.id}))  # fmt: skip
        assessments.import_questionnaire(session, None, QUESTIONS, "mini.csv", "Mini", root.id)
        _, live_link = assessments.send_assessment(session, None, AssessmentCreate(vendor_id=vendor.id,
                                                                                   questionnaire="Mini"))  # fmt: skip
        old, old_link = assessments.send_assessment(session, None, AssessmentCreate(vendor_id=vendor.id))
        session.execute(update(AccessLink).where(AccessLink.subject_id == old.id)
                        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))  # fmt: skip
    db.engine.dispose()
    monkeypatch.undo()
    get_settings.cache_clear()
    return live_link, old_link


def test_vendor_answers_in_the_browser(
    page: Page, server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    link, expired = _send(tmp_path, monkeypatch)
    page.goto(link)
    expect(page.get_by_role("heading", name="Security questionnaire: Mini")).to_be_visible()
    expect(page.get_by_text("Fabrikam")).to_have_count(0)  # nothing about the customer's records
    page.locator("input[name='a.Q1'][value='yes']").check()
    page.get_by_role("button", name="Submit for good").click()
    expect(page.get_by_text("please answer this question")).to_be_visible()
    page.set_input_files("#ev-file", files=[{"name": "kms.txt", "mimeType": "text/plain", "buffer": b"KMS policy"}])
    page.select_option("#ev-q", "Q2")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Uploaded kms.txt")).to_be_visible()
    page.locator("input[name='a.Q1'][value='yes']").check()
    page.locator("input[name='a.Q2'][value='no']").check()
    page.fill("#c-Q2", "Planned for Q3")
    page.get_by_role("button", name="Submit for good").click()
    expect(page.get_by_text("your answers were submitted")).to_be_visible()
    page.goto(link)
    expect(page.get_by_text("expired or was withdrawn")).to_be_visible()
    page.goto(link[:-2] + ("xy" if not link.endswith("xy") else "zz"))
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.goto(expired)
    expect(page.get_by_text("expired or was withdrawn")).to_be_visible()
