"""ASVS V16.4.3 and V11.6.1: the audit log's signed checkpoints leave the database for a place the database
administrators cannot rewrite (TANDEM_AUDIT_CHECKPOINT_DIR), only once committed, one self-contained line each,
signed with HMAC-SHA256 under a random installation key; a rewritten chain that passes every check inside the database
is caught against the shipped copy."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import string
from pathlib import Path

import pytest

from tandem.platform.audit.verify import load_checkpoint_file, verify_chain
from tandem.platform.config import Settings, get_settings
from tandem.platform.db.uow import Actor, unit_of_work
from tests.support import audit_chain as ac
from tests.support.databases import drop_database, new_database

TAG = b"tandem-audit-checkpoint-v1\x00"  # the domain separation pinned by the chain's format


def _expected_mac(key: bytes, seq: int, chain_hash: str) -> str:
    """The checkpoint signature computed from the standard library alone, as an outside verifier would."""
    return hmac.new(key, TAG + f"{seq}:{chain_hash}".encode(), hashlib.sha256).hexdigest()


@pytest.mark.asvs("V16.4.3", "V11.6.1")
def test_checkpoints_are_shipped_outside_the_database_after_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, elsewhere = tmp_path / "data", tmp_path / "elsewhere"  # elsewhere: another volume or host in production
    key = Settings(data_dir=data).key("audit")  # what an installation generates when no key is set
    assert len(key) >= 64 and set(key.decode()) <= set(string.ascii_letters + string.digits + "-_")  # 384 bits
    settings = get_settings()
    for name, value in (("audit_key", key.decode()), ("audit_checkpoint_every", 4)):
        monkeypatch.setattr(settings, name, value)
    monkeypatch.setattr(settings, "audit_checkpoint_dir", elsewhere)
    shipped = elsewhere / "audit-checkpoints.jsonl"
    database, handle = new_database("sqlite", tmp_path)
    try:
        with pytest.raises(RuntimeError), unit_of_work(database, actor=Actor("cli", None, "cli:test")) as session:
            ac.fill(session, 9)
            raise RuntimeError("rolled back")
        assert not shipped.exists()  # nothing leaves before the transaction commits
        with unit_of_work(database, actor=Actor("cli", None, "cli:test")) as session:
            ac.fill(session, 10)
        lines = [json.loads(line) for line in shipped.read_text().splitlines()]
        assert [line["seq"] for line in lines] == [4, 8]
        assert not list(data.glob("audit-checkpoints*"))  # shipped, not left next to the database
        for line in lines:
            assert hmac.compare_digest(line["mac"], _expected_mac(key, line["seq"], line["hash"]))
            other_key = secrets.token_bytes(32)
            assert not hmac.compare_digest(line["mac"], _expected_mac(other_key, line["seq"], line["hash"]))
        with ac.rolled_back(database) as session:
            # Someone with the database rewrites entry 2, relinks everything after it and drops the stored checkpoints.
            ac.rewrite_from(session, 2, {"value": ["1", "changed"]})
            ac.sql(session, "DELETE FROM audit_checkpoints")
            assert verify_chain(session, key).ok  # inside the database the forgery is perfect
            caught = verify_chain(session, key, load_checkpoint_file(shipped))
            assert not caught.ok and caught.first_bad_seq is not None and caught.first_bad_seq <= 4, caught.summary()
    finally:
        drop_database(database, handle)
