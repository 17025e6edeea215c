"""`tandem strategy` as an operator uses it: policy, import, optimize (progress, gap, greedy, reasons)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run

GOOD = """\
title,sponsor,duration,costs,staff,business_value,mandatory,deadline_quarter,predecessors,alt_group
Cloud landing zone,cio,1,100000,infrastructure=2,200000,,,,
EHR migration,cio,2,150000,infrastructure=2,900000,,,Cloud landing zone,ehr
EHR refresh,cio,1,120000,infrastructure=1,300000,,,,ehr
MFA everywhere,ciso,1,50000,security=1,50000,true,2,,
Printer refresh,cio,1,90000,infrastructure=1,60000,,,,
"""


def _json(out: str) -> list[dict[str, str]]:
    """Return the JSON table printed after the job's progress line."""
    start = out.index("[\n")
    return list(json.loads(out[start : out.index("\n]", start) + 2]))


def test_policy_import_optimize(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    set_policy = run(tmp_path, "strategy", "policy", "--quarters", "4", "--budget", "150000",
                     "--capacity", "infrastructure=2", "--capacity", "security=1", "--lambda", "1")  # fmt: skip
    assert set_policy.returncode == 0, set_policy.stderr
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    good = run(tmp_path, "strategy", "import", str(tmp_path / "good.csv"))
    assert good.returncode == 0 and "good.csv: added 5 initiatives" in good.stdout, good.stderr

    planned = run(tmp_path, "strategy", "optimize", "--time-limit", "5", "--format", "json")
    assert planned.returncode == 0, planned.stderr
    rows = _json(planned.stdout)
    funded = {r["initiative"] for r in rows}
    assert "MFA everywhere" in funded and not {"EHR migration", "EHR refresh"} <= funded
    assert "optimal (proven, gap 0)" in planned.stdout and "over the value-per-cost ranking" in planned.stdout
    assert "not funded:" in planned.stdout
