"""`tandem vendors` as an operator uses it: a bad contract import (nothing written, located errors), renewals, and
sending a questionnaire. CLI start-up costs seconds per call, so one test walks the whole story."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tandem.inventory import service as inventory
from tandem.inventory.kinds import KINDS
from tandem.platform.auth import service as auth
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database, unit_of_work
from tandem.vendors import imports
from tests.support.cli import run


def _seed(data_dir: Path, contracts_csv: bytes) -> None:
    """Add a vendor and import its contract (straight through the services, to save CLI start-ups)."""
    db = Database(make_engine(f"sqlite:///{data_dir / 'tandem.db'}"))
    with unit_of_work(db) as session:
        root = auth.root_unit(session)
        assert root is not None
        kind = KINDS["vendors"]
        data = kind.create.model_validate({"name": "Contoso Cloud", "country": "US", "org_unit_id": root.id})
        inventory.create_record(session, None, kind, data)
        assert imports.import_contracts(session, None, contracts_csv, "good.csv", root.id)["added"] == 1
    db.engine.dispose()


def test_import_renewals_and_assess(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    end = dt.date.today() + dt.timedelta(days=45)
    good = (
        "vendor,title,end_date,notice_days,yearly_value,currency,auto_renew,status\n"
        f"Contoso Cloud,Hosting,{end},30,9000,USD,yes,signed\n"
    )
    _seed(tmp_path, good.encode())
    bad = good + "Nobody Inc,Ghost,2027-01-01,9999,,,,\n"
    (tmp_path / "bad.csv").write_text(bad, encoding="utf-8")

    failed = run(tmp_path, "vendors", "import", str(tmp_path / "bad.csv"))
    assert failed.returncode == 2, (failed.stdout, failed.stderr)
    assert failed.stderr.startswith("error: ") and "Traceback" not in failed.stderr
    assert "bad.csv:3: vendor" in failed.stderr and "bad.csv:3: notice_days" in failed.stderr
    assert "bad.csv:2" not in failed.stderr

    renewals = json.loads(run(tmp_path, "vendors", "renewals", "--days", "30", "--json").stdout)
    assert [(r["vendor"], r["title"], r["days_left"]) for r in renewals] == [("Contoso Cloud", "Hosting", 15)]

    sent = run(tmp_path, "vendors", "assess", "contoso cloud", "--questionnaire", "baseline", "--contact",
               "sec@contoso.example", "--days", "7")  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert "Tandem baseline (60 questions) for Contoso Cloud" in sent.stdout
    assert "vendor link (shown once): /p/vendors/q/" in sent.stdout
