"""`tandem risk` as an operator uses it: import (all rows or none, located errors), list, show, simulate.

CLI start-up costs seconds per call, so one test walks the whole story (JSON imports: test_imports.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.cli import run

GOOD_CSV = """\
title,threat_event,likelihood,impact,fair.lef.min,fair.lef.mode,fair.lef.max,fair.primary_loss.low,fair.primary_loss.high
CLI ransomware,Ransomware,3,4,0.1,0.5,2,10000,500000
CLI fraud,Fraud,2,2,1,2,4,1000,20000
"""
BAD_CSV = """\
title,likelihood,fair.lef.min,fair.lef.mode,fair.lef.max,fair.primary_loss.low,fair.primary_loss.high
Fine row,3,0.1,0.5,2,10000,500000
Broken row,9,3,2,1,10000,500000
"""
SUMMARY = re.compile(r"ALE ([\d,]+), p95 ([\d,]+), p99 ([\d,]+) over 2,000 years \(seed 7\)")


def test_import_list_show_and_simulate(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    files = {"good.csv": GOOD_CSV, "bad.csv": BAD_CSV}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")

    good = run(tmp_path, "risk", "import", str(tmp_path / "good.csv"))
    assert good.returncode == 0, good.stderr
    assert "good.csv: added 2 scenarios" in good.stdout

    bad = run(tmp_path, "risk", "import", str(tmp_path / "bad.csv"))
    assert bad.returncode == 2, (bad.stdout, bad.stderr)
    assert bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
    assert "bad.csv:3: fair.lef.min: must not exceed max" in bad.stderr
    assert "bad.csv:3: likelihood: must be from 1 to 5" in bad.stderr
    assert "bad.csv:2" not in bad.stderr  # the good row of a bad file is not blamed …

    listed = json.loads(run(tmp_path, "risk", "list", "--json").stdout)
    assert sorted(r["title"] for r in listed) == ["CLI fraud", "CLI ransomware"]  # … and nothing of it was written
    ransomware = next(r for r in listed if r["title"] == "CLI ransomware")
    assert ransomware["level"] == "high" and ransomware["ale"]  # quantified inline on import

    shown = run(tmp_path, "risk", "show", "cli ransomware")  # exact title, any case
    assert shown.returncode == 0, shown.stderr
    assert ransomware["id"] in shown.stdout and "imported from good.csv" in shown.stdout
    assert "result.p95" in shown.stdout

    numbers = []
    for _ in range(2):
        simulated = run(tmp_path, "risk", "simulate", "--all", "--wait", "--iterations", "2000", "--seed", "7")
        assert simulated.returncode == 0, simulated.stderr
        assert "succeeded" in simulated.stdout and "CLI ransomware: ALE" in simulated.stdout
        found = SUMMARY.search(simulated.stdout)
        assert found is not None, simulated.stdout
        numbers.append(found.groups())
    assert numbers[0] == numbers[1]  # same seed, same result
    assert int(numbers[0][0].replace(",", "")) > 0
