"""`tandem access` as an operator uses it: import (a bad file refused with located errors), analyse, who-can.

CLI start-up costs seconds per call, so one test walks the story in six calls (campaigns: test_service, test_api)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from tandem.access import campaigns
from tandem.access.models import System
from tandem.access.schemas import CampaignCreate, CampaignScope
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tests.access.conftest import import_all
from tests.access.world import FILES
from tests.support.cli import run


def test_import_analyze_and_who_can(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    for kind, text in FILES.items():
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
    steps = [run(tmp_path, "access", "import", str(tmp_path / f"{k}.csv"), "--kind", k) for k in list(FILES)[:3]]
    assert [s.returncode for s in steps] == [0, 0, 2], [s.stderr for s in steps]
    assert "accounts.csv: rows 10, added 10" in steps[1].stdout
    bad = steps[2].stderr
    assert bad.startswith("error: ") and "Traceback" not in bad
    assert "entitlements.csv:3:data_stores: no data store named 'EHR database'" in bad

    analysed = run(tmp_path, "access", "analyze")
    assert analysed.returncode == 0, analysed.stderr
    assert "orphan 1" in analysed.stdout and "terminated_active 1" in analysed.stdout and "dormant 2" in analysed.stdout
    unknown = run(tmp_path, "access", "who-can", "Atlantis")
    assert unknown.returncode != 0 and "no data store or data category named 'Atlantis'" in unknown.stderr


def test_campaign_decide_reduces_to_a_named_lesser_entitlement(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    # The files and the campaign are set up in-process on the CLI's database (each CLI call costs seconds).
    db = Database(make_engine(f"sqlite:///{tmp_path / 'tandem.db'}"))
    with unit_of_work(db) as session:
        files = {**FILES, "entitlements": FILES["entitlements"].replace("EHR database:read", "").replace(
            "EHR database:export", "")}  # fmt: skip
        import_all(session, files)
        system = session.scalars(select(System).where(System.key == "ehr")).one()
        scope = CampaignScope(system_ids=[system.id])
        camp = campaigns.create_campaign(session, None, CampaignCreate(
            name="EHR", scope=scope, due_date=dt.date(2099, 1, 31), org_unit_id=system.org_unit_id))  # fmt: skip
        item_id = next(str(i.id) for i in campaigns.items(session, None, camp.id) if i.context["account"] == "bbrown")
    db.engine.dispose()
    decide = ("access", "campaign", "decide", "EHR", item_id, "--decision", "reduce", "--target")
    wrong = run(tmp_path, *decide, "fin:create-vendor")
    assert wrong.returncode != 0 and "--target: not an entitlement of the same system" in wrong.stderr, wrong.stderr
    done = run(tmp_path, *decide, "ehr:chart-read")
    assert done.returncode == 0 and "reduce: 1 item(s), reduced to ehr:chart-read" in done.stdout, done.stderr
