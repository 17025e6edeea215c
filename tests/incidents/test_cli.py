"""`tandem incidents` as an operator uses it: open, assess, show (one CLI story: start-up is slow)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run


def test_open_assess_and_list_obligations(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    opened = run(
        tmp_path, "incidents", "open", "Lost USB stick", "--type", "lost_device", "--discovered", "2025-03-03T09:00:00"
    )
    assert opened.returncode == 0, opened.stderr
    assert "opened incident" in opened.stdout
    assessed = run(tmp_path, "incidents", "assess", "Lost USB stick", "--format", "json")
    assert assessed.returncode == 0, assessed.stderr
    assert json.loads(assessed.stdout) == []  # no affected people recorded yet: nothing to notify
    shown = run(tmp_path, "incidents", "show", "Lost USB stick", "--format", "json")
    fields = {r["field"]: r["value"] for r in json.loads(shown.stdout)}
    assert fields["type"] == "lost_device" and fields["status"] == "reported"
