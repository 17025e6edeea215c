"""The `tandem inventory` commands through the real executable, on a temporary SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TANDEM = str(Path(sys.executable).with_name("tandem"))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("cli")
    environ = {
        **os.environ,
        "TANDEM_DATA_DIR": str(folder),
        "TANDEM_DATABASE_URL": f"sqlite:///{folder / 't.db'}",
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    subprocess.run([TANDEM, "init", "--org", "Acme"], env=environ, check=True, capture_output=True)
    return environ


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TANDEM, "inventory", *args], env=env, capture_output=True, text=True, timeout=120)


def test_import_dry_run_list_impact_attest_export(env: dict[str, str], tmp_path: Path) -> None:
    assets = tmp_path / "assets.csv"
    assets.write_text("hostname,criticality\ndb01,high\n")
    apps = tmp_path / "apps.json"
    apps.write_text(json.dumps([{"name": "EHR", "data_classification": "restricted"}]))
    rels = tmp_path / "rels.csv"
    rels.write_text("type,from,to\nruns_on,application:EHR,asset:db01\n")
    dry = run(env, "import", str(assets), "--kind", "assets", "--dry-run")
    assert "would add 1" in dry.stdout, dry.stderr
    assert "db01" not in run(env, "list", "assets", "-f", "json").stdout
    for path, kind in ((assets, "assets"), (apps, "applications"), (rels, "relations")):
        done = run(env, "import", str(path), "--kind", kind)
        assert done.returncode == 0 and "added 1" in done.stdout, done.stderr
    impact = run(env, "impact", "asset:db01", "-f", "json")
    assert json.loads(impact.stdout)[0]["name"] == "EHR"
    assert run(env, "attest", "application:EHR").returncode == 0
    exported = run(env, "export", "--kind", "assets", "--format", "csv").stdout
    assert exported.splitlines()[1].startswith("db01,host")
    assert run(env, "freshness", "--days", "1", "-f", "json").returncode == 0


def test_bad_file_exits_2_with_located_errors(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("hostname,criticality\ngood01,high\nbad host,extreme\n")
    result = run(env, "import", str(bad), "--kind", "assets")
    assert result.returncode == 2
    assert "bad.csv:3:1" in result.stderr and "bad.csv:3:2" in result.stderr
    assert "good01" not in run(env, "list", "assets", "-f", "json").stdout
