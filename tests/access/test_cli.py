"""`tandem access` as an operator uses it: import (a bad file refused with located errors), analyse, who-can.

CLI start-up costs seconds per call, so one test walks the story in six calls (campaigns: test_service, test_api)."""

from __future__ import annotations

from pathlib import Path

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
