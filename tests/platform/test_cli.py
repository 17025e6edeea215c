"""The CLI as an operator uses it: init, users, tokens, audit, jobs, db; errors are one clear line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tandem.domains import DOMAINS
from tests.support.cli import run


@pytest.fixture
def home(tmp_path: Path) -> Path:
    result = run(tmp_path, "init", "--org", "CLI Org")
    assert result.returncode == 0, result.stderr
    assert "one-time password" in result.stdout
    return tmp_path


def test_init_twice_is_refused_with_one_line(home: Path) -> None:
    again = run(home, "init")
    assert again.returncode == 5
    assert again.stderr.strip().splitlines() == [
        "error: Tandem is already initialised (users exist); use `tandem users create`"
    ]
    assert "Traceback" not in again.stderr


def test_users_lifecycle_and_output_formats(home: Path) -> None:
    created = run(home, "users", "create", "dana", "--email", "dana@example.org", "--role", "ciso")
    assert created.returncode == 0 and "one-time password" in created.stdout
    as_json = json.loads(run(home, "users", "list", "--format", "json").stdout)
    dana = next(u for u in as_json if u["username"] == "dana")
    assert dana["roles"] == "ciso@CLI Org" and dana["active"] is True
    assert run(home, "users", "disable", "dana").returncode == 0
    rows = list(csv.DictReader(io.StringIO(run(home, "users", "list", "--csv").stdout)))
    assert next(r for r in rows if r["username"] == "dana")["active"] == "False"
    bad_role = run(home, "users", "grant", "dana", "emperor")
    assert bad_role.returncode == 2 and bad_role.stderr.startswith("error: ") and "unknown role" in bad_role.stderr


def test_tokens_create_list_revoke(home: Path) -> None:
    created = run(home, "tokens", "create", "--user", "admin", "--name", "script", "--scope", "*:read")
    assert created.returncode == 0
    token_id = created.stdout.split()[1]
    secret = created.stdout.strip().split()[-1]
    assert secret.startswith("tdm_")
    listed = json.loads(run(home, "tokens", "list", "--user", "admin", "--format", "json").stdout)
    assert listed[0]["name"] == "script" and secret not in json.dumps(listed)
    assert run(home, "tokens", "revoke", token_id).returncode == 0
    again = json.loads(run(home, "tokens", "list", "--user", "admin", "--format", "json").stdout)
    assert again[0]["revoked_at"] is not None
    assert run(home, "tokens", "revoke", "not-a-uuid").returncode == 2


def test_audit_records_cli_actions_and_verifies(home: Path) -> None:
    run(home, "users", "create", "erin")
    entries = json.loads(run(home, "audit", "list", "--format", "json", "--entity-type", "users").stdout)
    assert any(e["actor_label"].startswith("cli:") for e in entries)
    verified = run(home, "audit", "verify")
    assert verified.returncode == 0 and "audit chain OK" in verified.stdout


def test_job_in_the_foreground_shows_progress_and_result(home: Path) -> None:
    result = run(home, "jobs", "run", "audit.verify_chain", "--wait")
    assert result.returncode == 0, result.stderr
    assert "succeeded" in result.stdout and '"ok": true' in result.stdout
    listed = json.loads(run(home, "jobs", "list", "--json").stdout)
    assert listed[0]["status"] == "succeeded"
    unknown = run(home, "jobs", "run", "no.such_job")
    assert unknown.returncode == 2 and "unknown job" in unknown.stderr


def test_db_commands_and_backup_round_trip(home: Path) -> None:
    assert "pending: none" in run(home, "db", "current").stdout
    backup = home / "backup.db"
    made = run(home, "db", "backup", str(backup))
    assert made.returncode == 0 and backup.exists()
    assert run(home, "db", "verify", str(backup)).returncode == 0
    assert run(home, "db", "backup", str(backup)).returncode == 5  # never overwrites
    run(home, "users", "create", "after-backup")
    restored = run(home, "db", "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    names = [u["username"] for u in json.loads(run(home, "users", "list", "--format", "json").stdout)]
    assert "after-backup" not in names and "admin" in names
    assert run(home, "audit", "verify").returncode == 0


def test_worker_refuses_sqlite_with_a_reason(home: Path) -> None:
    result = run(home, "worker")
    assert result.returncode == 5 and "runs inside `tandem serve`" in result.stderr


def test_help_lists_every_group(tmp_path: Path) -> None:
    out = run(tmp_path, "--help").stdout
    for group in ("init", "serve", "worker", "demo", "db", "users", "tokens", "audit", "jobs"):
        assert group in out


def test_demo_load_is_idempotent_and_refuses_real_data(tmp_path: Path, home: Path) -> None:
    first = run(tmp_path / "demo", "demo", "load")
    assert first.returncode == 0, first.stderr
    assert "ciso" in first.stdout and "demo-" in first.stdout
    second = run(tmp_path / "demo", "demo", "load")
    assert second.returncode == 0 and second.stdout == first.stdout
    refused = run(home, "demo", "load")
    assert refused.returncode == 5 and "not the demo" in refused.stderr


def test_a_domain_command_loads_only_its_domain_until_another_is_needed() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tandem.cli import _load_for\n"
        "from tandem.platform.jobs.registry import job_names\n"
        "_load_for(['risk', 'scenarios', 'list'])\n"
        "names = lambda: (m.split('.')[1] for m in sys.modules if m.startswith('tandem.') and m.endswith('manifest'))\n"
        "loaded = lambda: sorted(n for n in names() if n != 'platform')\n"
        "print(loaded())\n"
        "job_names()\n"
        "print(loaded())\n"
    )  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    first, after = (line for line in out.stdout.splitlines() if line.startswith("["))
    assert first == "['risk']"
    assert after == str(sorted(DOMAINS))


def test_a_command_runs_without_the_web_layer_yet_registers_what_the_server_does() -> None:
    """Routers are named in the manifests, not imported: a command never loads FastAPI, and importing every router
    afterwards adds no job, permission, event handler or reference the command line would have missed."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from tandem.cli import _load_for\n"
        "from tandem.domains import load_manifests\n"
        "_load_for(['inventory', 'list', 'assets'])\n"
        "print('web:', sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'jinja2') if m in sys.modules))\n"
        "def sizes():\n"
        "    out = {}\n"
        "    for name, module in list(sys.modules.items()):\n"
        "        if name.startswith('tandem.') and name != 'tandem.platform.web.render':\n"
        "            for key, value in list(vars(module).items()):\n"
        "                if isinstance(value, (dict, list, set)) and not key.startswith('__'):\n"
        "                    out[name, key] = len(value)\n"
        "    return out\n"
        "manifests = load_manifests()\n"
        "before = sizes()\n"
        "routers = [r for m in manifests for r in m.routers()]\n"
        "panels = [p.context_function() for m in manifests for p in m.home_panels]\n"
        "after = sizes()\n"
        "print('routers:', len(routers), 'panels:', len(panels))\n"
        "print('changed:', sorted(k for k, n in before.items() if after.get(k) != n))\n"
    )  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in out.stdout.splitlines()}
    assert lines["web"] == "[]"
    routers, panels = (int(n) for n in lines["routers"].replace("panels:", "").split())
    assert routers > 60 and panels > 10
    assert lines["changed"] == "[]"
