"""The audit chain: one entry per change in the same transaction, redaction, and tamper detection."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tandem.platform.audit.chain import GENESIS, canonical, entry_hash
from tandem.platform.audit.writer import append
from tandem.platform.auth import service
from tandem.platform.auth.models import LoginThrottle, Meta
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Actor, Database, unit_of_work
from tests.support import audit_chain as ac
from tests.support.audit_chain import entries_about, fill, verify
from tests.support.databases import drop_database, new_database

PASSWORD = "correct horse battery staple 42"
EVERY = 5  # checkpoint interval in the private chains


@pytest.fixture(scope="module")
def chain_db(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A private database per backend, so tampering never meets other tests' entries."""
    database, handle = new_database("sqlite" if db.is_sqlite else "postgres", tmp_path_factory.mktemp("chain"))
    yield database
    drop_database(database, handle)


@pytest.fixture
def chain(chain_db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """An empty chain (checkpoint every 5 entries) in a transaction rolled back after the test."""
    monkeypatch.setattr(get_settings(), "audit_checkpoint_every", EVERY)
    with ac.rolled_back(chain_db) as session:
        assert ac.head(session) is None, "the private chain must start empty"
        yield session


# --- writing --------------------------------------------------------------------------------------


@pytest.mark.asvs("V16.3.3")
def test_insert_update_delete_each_write_one_entry_with_actor_and_values(chain: Session) -> None:
    chain.info["actor"] = Actor("user", "u-7", "carol")
    root = service.create_unit(chain, None, "Acme", None)
    unit = service.create_unit(chain, CONSOLE, "IT", root.id)
    service.rename_unit(chain, CONSOLE, unit.id, "Information Technology")
    service.delete_unit(chain, CONSOLE, unit.id)
    created, renamed, deleted = entries_about(chain, str(unit.id))
    assert [e.action for e in (created, renamed, deleted)] == ["create", "update", "delete"]
    for e in (created, renamed, deleted):
        assert (e.entity_type, e.actor_kind, e.actor_id, e.actor_label) == ("org_units", "user", "u-7", "carol")
        assert e.request_id == chain.info["request_id"]
    assert created.changes["name"] == [None, "IT"]
    assert created.changes["parent_id"] == [None, str(root.id)]
    assert renamed.changes["name"] == ["IT", "Information Technology"]
    assert "path" not in renamed.changes  # only what changed
    assert deleted.changes["name"] == ["Information Technology", None]
    assert deleted.changes["path"][0] == unit.path
    assert ac.head(chain) == (deleted.seq, deleted.hash)
    assert verify(chain).ok


def test_meta_changes_and_unaudited_or_ignored_fields(chain: Session) -> None:
    meta = Meta(key="k1", value="a")
    chain.add(meta)
    chain.flush()
    meta.value = "b"
    chain.flush()
    chain.delete(meta)
    chain.flush()
    assert [(e.action, e.changes) for e in entries_about(chain, "k1")] == [
        ("create", {"key": [None, "k1"], "value": [None, "a"]}),
        ("update", {"value": ["a", "b"]}),
        ("delete", {"key": ["k1", None], "value": ["b", None]}),
    ]
    before = ac.head(chain)
    chain.add(LoginThrottle(key="ip:1", failures=1))  # __audit__ = False
    user, _ = service.create_user(chain, None, "dave", password=PASSWORD)
    after_create = ac.head(chain)
    assert after_create is not None and before is not None and after_create[0] == before[0] + 1
    user.failed_logins += 1  # only __audit_ignore__ fields
    user.last_login_at = user.created_at
    chain.flush()
    assert ac.head(chain) == after_create


@pytest.mark.asvs("V16.2.5")
def test_password_hashes_never_reach_the_log(chain: Session) -> None:
    user, _ = service.create_user(chain, None, "erin", password=PASSWORD)
    old_hash = user.password_hash
    service.reset_password(chain, None, user.id)
    created, reset, event = entries_about(chain, str(user.id))
    assert event.action == "auth.password_reset"  # the reset itself is an audit event besides the row change
    assert created.changes["password_hash"] == [None, "***"]
    assert reset.changes["password_hash"] == ["***", "***"]
    assert reset.changes["must_change_password"] == [False, True]
    logged = json.dumps([ac.rows(chain)], default=str)
    assert old_hash and old_hash not in logged and str(user.password_hash) not in logged


@pytest.mark.asvs("V16.3.3")
def test_entries_join_the_writers_transaction(db: Database) -> None:
    key = f"tx-{uuid.uuid4().hex[:8]}"
    with unit_of_work(db, actor=Actor("user", "u-9", "frank")) as session:
        session.add(Meta(key=key, value="x"))
        session.flush()
        assert len(entries_about(session, key)) == 1
        with unit_of_work(db, readonly=True) as other:  # another connection sees nothing before commit
            assert entries_about(other, key) == []
    with unit_of_work(db, readonly=True) as session:
        (entry,) = entries_about(session, key)
        assert (entry.action, entry.actor_label) == ("create", "frank")


@pytest.mark.asvs("V16.3.3")
def test_rolled_back_transaction_leaves_no_entries_and_the_head_unchanged(db: Database) -> None:
    key = f"rb-{uuid.uuid4().hex[:8]}"
    with unit_of_work(db, readonly=True) as session:
        before = ac.head(session)
    with pytest.raises(RuntimeError), unit_of_work(db) as session:
        session.add(Meta(key=key, value="x"))
        session.flush()
        assert ac.head(session) != before
        raise RuntimeError("boom")
    with unit_of_work(db, readonly=True) as session:
        assert entries_about(session, key) == []
        assert ac.head(session) == before


# --- pinned hashes: the hashed bytes may never change, or every existing chain stops verifying --------------

PINNED_ENTRY: dict[str, Any] = {
    "seq": 42, "ts": dt.datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=dt.UTC), "actor_kind": "user",
    "actor_id": "u-7", "actor_label": 'Zo\u00eb "carol" <c@x>', "action": "update", "entity_type": "org_units",
    "entity_id": "5", "request_id": None, "prev_hash": "ab" * 32, "hash": "not hashed",
    "changes": {"name": ["IT", "Information Technology \u2713"], "n": [1, 2.5], "flag": [None, True],
                "z": {"b": 1, "a": [None]}},
}  # fmt: skip
PINNED_CANONICAL = (
    b'{"action":"update","actor_id":"u-7","actor_kind":"user","actor_label":"Zo\xc3\xab \\"carol\\" <c@x>",'
    b'"changes":{"flag":[null,true],"n":[1,2.5],"name":["IT","Information Technology \xe2\x9c\x93"],'
    b'"z":{"a":[null],"b":1}},"entity_id":"5","entity_type":"org_units",'
    b'"prev_hash":"abababababababababababababababababababababababababababababababab","request_id":null,"seq":42,'
    b'"ts":"2024-03-05T14:07:09.123456+00:00"}'
)
# Computed with the code that wrote the first chains; never update these to make a test pass.
PINNED = {
    "as given": ({}, "245266cff9345c51eee42c3f884b5b67b0daefbf49436e4bb02e39f554a2f339"),
    "first entry, whole-second non-UTC time, no changes": (
        {"seq": 1, "prev_hash": GENESIS, "changes": {},
         "ts": dt.datetime(2024, 3, 5, 14, 7, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))},
        "393eeaf32454ea6c81533c133cfde13e9cb222fc6b33e3aef4806f92d6a696a5",
    ),
    "uuid and decimal values": (
        {"ts": dt.datetime(2024, 3, 5, 14, 7, 9, tzinfo=dt.UTC),
         "changes": {"u": [uuid.UUID(int=5), None], "d": [Decimal("1.10"), dt.date(2024, 1, 1)]}},
        "606ebcf4f4c140d5cbd394944a66a9949d0ed562833dc707aac97d4f8081b956",
    ),
}  # fmt: skip


def test_canonical_bytes_are_pinned() -> None:
    assert canonical(PINNED_ENTRY) == PINNED_CANONICAL


@pytest.mark.parametrize("case", sorted(PINNED))
def test_entry_hash_is_pinned(case: str) -> None:
    overrides, expected = PINNED[case]
    assert entry_hash({**PINNED_ENTRY, **overrides}) == expected


def test_pinned_entries_stored_in_the_database_verify(chain: Session) -> None:
    """Entries hashed by the original code, read back from the database, still verify (and one edit is named)."""
    first = {**PINNED_ENTRY, **PINNED["first entry, whole-second non-UTC time, no changes"][0]}
    first["hash"] = PINNED["first entry, whole-second non-UTC time, no changes"][1]
    second = {**PINNED_ENTRY, "seq": 2, "prev_hash": first["hash"]}
    second["hash"] = "8dcbee8c0bf30f2c17f8dc591b7b2aa2ac06ab170546cb57c8d25a2ee235c6d3"
    chain.execute(insert(ac.ENTRIES), [first, second])
    ac.sql(chain, "INSERT INTO audit_head (id, seq, hash) VALUES (1, 2, :hash)", hash=second["hash"])
    report = verify(chain)
    assert (report.ok, report.entries) == (True, 2), report.summary()
    ac.sql(chain, "UPDATE audit_entries SET actor_label = 'Zoe' WHERE seq = 2")
    assert verify(chain).first_bad_seq == 2


@pytest.mark.parametrize(
    "text",
    ['{"n":[1,2.5,-0.0,1e-400]}', '{"n":123456789012345678901234567890}', '{"n":-9223372036854775809}',
     '{"n":18446744073709551615}', '{"n":NaN,"m":Infinity}', '{"s":"\\ud800 \\u00e9"}', '{"a":1,"a":2}', "null"],
)  # fmt: skip
def test_verify_decodes_stored_json_exactly_as_the_column_type_does(text: str) -> None:
    """verify reads `changes` as text and decodes it fast; the values (and so the hash) must match json.loads."""
    from tandem.platform.audit.verify import _json

    assert repr(_json(text)) == repr(json.loads(text))
    assert _json(None) is None


# --- tamper detection ------------------------------------------------------------------------------


def test_intact_chain_verifies_with_its_checkpoints(chain: Session) -> None:
    fill(chain, 12)
    report = verify(chain, ac.checkpoints(chain))
    assert (report.ok, report.entries, report.checkpoints, report.first_bad_seq) == (True, 12, 2, None)


TAMPER = {
    "actor edited": lambda s: ac.sql(s, "UPDATE audit_entries SET actor_label = 'mallory' WHERE seq = 7"),
    "action edited": lambda s: ac.sql(s, "UPDATE audit_entries SET action = 'delete' WHERE seq = 7"),
    "entity edited": lambda s: ac.sql(s, "UPDATE audit_entries SET entity_id = 'fill-99' WHERE seq = 7"),
    "changes edited": lambda s: ac.edit(s, 7, changes={"key": [None, "fill-6"], "value": [None, "66"]}),
    "time edited": lambda s: ac.edit(s, 7, ts=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    "middle row deleted": lambda s: ac.sql(s, "DELETE FROM audit_entries WHERE seq = 7"),
    "pair swapped": lambda s: ac.swap(s, 7, 8),
    "forged row inserted": lambda s: ac.insert_at(s, 7, well_formed=False),
}


@pytest.mark.asvs("V16.4.2")
@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tampered_entry_is_named(chain: Session, case: str) -> None:
    fill(chain, 12)
    TAMPER[case](chain)
    report = verify(chain)
    assert not report.ok and report.first_bad_seq == 7, report.summary()
    assert "entry 7" in report.summary()


FORGED = {  # well-formed forgeries: correctly linked and hashed, made without the writer
    "inserted in the middle": lambda s: ac.insert_at(s, 7, well_formed=True),  # the old entry 7, now 8, breaks
    "appended past the head": ac.append_behind_writer,
}


@pytest.mark.asvs("V16.4.2")
@pytest.mark.parametrize("case", sorted(FORGED))
def test_well_formed_forgery_is_named(chain: Session, case: str) -> None:
    fill(chain, 12)
    first_bad = FORGED[case](chain)
    report = verify(chain)
    assert (report.ok, report.first_bad_seq) == (False, first_bad), report.summary()


@pytest.mark.asvs("V16.4.2")
def test_truncated_tail_is_caught_by_an_exported_checkpoint(chain: Session) -> None:
    fill(chain, 12)
    exported = ac.checkpoints(chain)  # 5 and 10, kept outside the database
    ac.truncate(chain, keep=8)
    assert verify(chain).ok  # the database alone is consistent again...
    report = verify(chain, exported)  # ...but the export signed entry 10
    assert (report.ok, report.first_bad_seq) == (False, 9), report.summary()
    assert "truncated" in report.reason


@pytest.mark.asvs("V16.4.2")
@pytest.mark.parametrize("edited", [3, 7])
@pytest.mark.parametrize("drop_stored", [False, True])
def test_recomputed_chain_is_caught_by_the_signed_checkpoint(chain: Session, edited: int, drop_stored: bool) -> None:
    fill(chain, 12)
    exported = ac.checkpoints(chain)
    ac.rewrite_from(chain, edited, {"value": [None, "rewritten"]})
    if drop_stored:
        ac.sql(chain, "DELETE FROM audit_checkpoints")
    assert ac.rows(chain, edited - 1)[0]["changes"] == {"value": [None, "rewritten"]}
    report = verify(chain, exported)
    first_signed_after = next(c["seq"] for c in exported if c["seq"] >= edited)
    assert (report.ok, report.first_bad_seq) == (False, first_signed_after), report.summary()
    assert "rewritten" in report.reason


@pytest.mark.asvs("V16.4.2")
def test_forged_checkpoint_is_refused(chain: Session) -> None:
    fill(chain, 12)
    ac.sql(chain, "UPDATE audit_checkpoints SET mac = :mac WHERE seq = 10", mac="0" * 64)
    report = verify(chain)
    assert (report.ok, report.first_bad_seq) == (False, 10) and "forged" in report.reason


HEAD_TAMPER = {
    "hash": "UPDATE audit_head SET hash = '" + "a" * 64 + "'",
    "seq moved on": "UPDATE audit_head SET seq = 15",
    "seq moved back": "UPDATE audit_head SET seq = 10",
    "row deleted": "DELETE FROM audit_head",
}


@pytest.mark.asvs("V16.4.2")
@pytest.mark.parametrize("case", sorted(HEAD_TAMPER))
def test_tampered_head_is_refused(chain: Session, case: str) -> None:
    fill(chain, 12)
    ac.sql(chain, HEAD_TAMPER[case])
    report = verify(chain)
    assert not report.ok and "head" in report.reason, report.summary()


def test_twenty_thousand_entries_verify(chain: Session) -> None:
    items = [
        {"action": "bulk", "entity_type": "bulk", "entity_id": str(i), "changes": {"n": [None, i]}}
        for i in range(20_000)
    ]
    for start in range(0, len(items), 5000):
        append(chain, items[start : start + 5000])
    report = verify(chain, ac.checkpoints(chain))
    assert (report.ok, report.entries, report.checkpoints) == (True, 20_000, 20_000 // EVERY), report.summary()


# --- the CLI ----------------------------------------------------------------------------------------

KEY = "cli-test-audit-key"


def run_verify(database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("tandem")
    env = {**os.environ, "TANDEM_DATABASE_URL": database_url, "TANDEM_DATA_DIR": str(data_dir), "TANDEM_AUDIT_KEY": KEY}
    env["TANDEM_LOG_LEVEL"] = "WARNING"  # at INFO every command also logs alembic's migration-context lines
    env.pop("TANDEM_AUDIT_CHECKPOINT_DIR", None)
    return subprocess.run([str(exe), "audit", "verify"], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.asvs("V16.4.2")
def test_cli_verify_passes_then_names_the_tampered_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    for name, value in (("audit_key", KEY), ("audit_checkpoint_every", 4), ("audit_checkpoint_dir", tmp_path)):
        monkeypatch.setattr(settings, name, value)
    database, handle = new_database("sqlite", tmp_path)
    try:
        with unit_of_work(database, actor=Actor("cli", None, "cli:test")) as session:
            fill(session, 10)
        assert (tmp_path / "audit-checkpoints.jsonl").read_text().count("\n") == 2
        url = f"sqlite:///{handle}"
        ok = run_verify(url, tmp_path)
        assert ok.returncode == 0, ok.stderr
        assert "OK: 10 entries, 2 checkpoints" in ok.stdout
        with sqlite3.connect(handle) as raw:
            raw.execute("UPDATE audit_entries SET actor_label = 'mallory' WHERE seq = 6")
        bad = run_verify(url, tmp_path)
        assert bad.returncode != 0
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and "entry 6" in lines[0], bad.stderr
        assert "Traceback" not in bad.stderr + bad.stdout
    finally:
        drop_database(database, handle)


# --- the API ----------------------------------------------------------------------------------------


@pytest.mark.asvs("V16.4.2")
def test_no_route_changes_or_deletes_audit_entries(live: Any) -> None:
    with live.client("admin") as client:
        before = client.get("/api/v1/audit/entries", params={"limit": 1, "sort": "-seq"}).json()["items"]
        for path in ("/api/v1/audit/entries", "/api/v1/audit/entries/1", f"/api/v1/audit/entries/{before[0]['seq']}"):
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                response = client.request(method, path, json={"actor_label": "mallory"})
                assert response.status_code in (404, 405), (method, path, response.status_code)
        after = client.get("/api/v1/audit/entries", params={"limit": 1, "sort": "-seq"}).json()["items"]
    assert after == before


@pytest.mark.asvs("V16.3.3")
def test_auditors_read_the_log_and_viewers_do_not(live: Any) -> None:
    with live.client("auditor") as client:
        response = client.get("/api/v1/audit/entries", params={"entity_type": "org_units", "limit": 5})
        assert response.status_code == 200
        assert response.json()["items"] and {i["entity_type"] for i in response.json()["items"]} == {"org_units"}
    with live.client("viewer") as client:
        assert client.get("/api/v1/audit/entries").status_code == 403
        assert client.get("/api/v1/audit/verify").status_code == 403
