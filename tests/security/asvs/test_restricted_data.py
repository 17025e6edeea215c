"""ASVS V14.2.4: the most sensitive data Tandem handles — the personal data and card numbers a discovery scan finds in
an organisation's files — is kept as documented for its class: a masked preview and a keyed hash, never the value.
After a real scan, no table of the database (findings, samples, scan objects, the catalogue, the audit log) holds any
of the raw values found."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

from tandem.data import demo_data, runner, service
from tandem.data.schemas import ScanCreate
from tandem.data.settings import get_data_settings
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.uow import Database, unit_of_work
from tests.support.databases import drop_database, new_database

SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
CARD = re.compile(r"\b(?:\d[ -]?){15}\d\b")


@pytest.fixture
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Database, Path]]:
    root = tmp_path / "sources"
    root.mkdir()
    monkeypatch.setenv("TANDEM_DATA_SCAN_ROOTS", str(root))
    get_data_settings.cache_clear()
    database, handle = new_database("sqlite", tmp_path)
    yield database, root.resolve()
    drop_database(database, handle)
    get_data_settings.cache_clear()


@pytest.mark.asvs("V14.2.4")
def test_a_discovery_scan_keeps_no_raw_value_anywhere(private: tuple[Database, Path]) -> None:
    database, root = private
    share = root / "share"
    demo_data.write_files(share, demo_data.share_files())
    text = "\n".join(p.read_text(errors="ignore") for p in share.rglob("*") if p.is_file())
    ssns = {m.group(0) for m in SSN.finditer(text)}
    cards = {re.sub(r"[ -]", "", m.group(0)) for m in CARD.finditer(text)}
    assert len(ssns) >= 5 and len(cards) >= 5  # the files really hold sensitive values
    with unit_of_work(database) as session:
        unit = auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
        scan = service.create_scan(
            session, CONSOLE, ScanCreate(source="share", store_name="Share", org_unit_id=unit.id), queue=False
        )
        runner.run_scan(scan.id, runner.inline(session))
        done = service.get_scan(session, CONSOLE, scan.id)
        assert done.status == "succeeded" and done.type_counts["US_SSN"] > 0 and done.type_counts["CREDIT_CARD"] > 0
    tables = MetaData()
    tables.reflect(database.engine)
    stored: list[str] = []
    with database.engine.connect() as conn:
        for table in tables.sorted_tables:
            stored += [repr(tuple(row)) for row in conn.execute(select(table))]
    dump = "\n".join(stored)
    assert "US_SSN" in dump and "*" in dump  # the findings are there, masked
    digits = re.sub(r"[ -]", "", dump)  # a card number is found however it was spaced
    assert sorted(v for v in ssns if v in dump or v.replace("-", " ") in dump) == []
    assert sorted(v for v in cards if v in digits) == []
