"""The dependency audit of `make security` fails loudly without a vulnerability database, and its offline
matcher finds an advisory that affects an installed version (and none that does not)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
import yaml

from security import pip_audit

HTTPX = metadata.version("httpx")


def _advisory(folder: Path, ident: str, events: list[dict[str, str]], versions: list[str] | None = None) -> None:
    affected = {"package": {"name": "HTTPX", "ecosystem": "PyPI"}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}
    if versions is not None:
        affected["versions"] = versions
    (folder / "vulns" / "httpx").mkdir(parents=True, exist_ok=True)
    (folder / "vulns" / "httpx" / f"{ident}.yaml").write_text(
        yaml.safe_dump({"id": ident, "summary": "test advisory", "affected": [affected]})
    )


@pytest.mark.asvs("V15.2.1")
def test_unreachable_database_fails_instead_of_passing(monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 on loopback: nothing listens, the connection is refused at once (no network leaves the machine).
    monkeypatch.setitem(pip_audit.PROBES, "pypi", ("GET", "http://127.0.0.1:9/pypi/pip/json", None))
    assert pip_audit.main(["--service", "pypi", "--timeout", "2"]) == pip_audit.UNREACHABLE


@pytest.mark.asvs("V15.2.1")
def test_offline_snapshot_matches_affected_versions_only(tmp_path: Path) -> None:
    _advisory(tmp_path, "PYSEC-TEST-1", [{"introduced": "0"}, {"fixed": "999.0"}])
    _advisory(tmp_path, "PYSEC-TEST-2", [{"introduced": "0"}, {"fixed": "0.0.1"}])
    _advisory(tmp_path, "PYSEC-TEST-3", [{"introduced": "0"}, {"fixed": "0.0.1"}], versions=[HTTPX])
    _advisory(tmp_path, "PYSEC-TEST-4", [{"introduced": "999.0"}])
    hits = pip_audit.match_local(tmp_path, pip_audit.installed())
    assert [h.split(": ")[1].split()[0] for h in hits] == ["PYSEC-TEST-1", "PYSEC-TEST-3"]
    assert pip_audit.main(["--local-db", str(tmp_path)]) == 1


def test_missing_snapshot_folder_is_an_error(tmp_path: Path) -> None:
    assert pip_audit.main(["--local-db", str(tmp_path / "absent")]) == pip_audit.UNREACHABLE
