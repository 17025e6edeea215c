"""Smoke run of the kill -9 harness (security/durability.py): one SIGKILL of a real `tandem serve` under
8 concurrent API writers on SQLite; nothing acknowledged may be lost. `make security` runs many rounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from security.durability import Instance, hammer, prepare, verify

from tandem.platform.config import get_settings
from tests.support.databases import new_database


@pytest.mark.asvs("V2.3.3")
def test_a_killed_server_loses_no_acknowledged_write(tmp_path: Path) -> None:
    database, _ = new_database("sqlite", tmp_path)
    try:
        token, root = prepare(database)
    finally:
        database.engine.dispose()
    # The server shares this process's keys (data folder) so the token and the audit key match.
    instance = Instance(tmp_path, str(database.engine.url), data_dir=get_settings().data_dir)
    instance.token, instance.root = token, root
    result = hammer(instance, "sqlite", rounds=1, writers=8, window=(1.0, 1.5))
    verify(instance, result, cli=False)
    print(result.summary())
    assert result.kills == 1 and len(result.acknowledged) > 0, result.summary()
    assert result.ok, result.summary()
