"""File and database sources without Tandem's database: roots, links, URL guard, read-only, fan-out."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tandem.data import classify, demo_data
from tandem.data.executor import executor_for
from tandem.data.files import OutsideRoots, confine, scan_file, walk
from tandem.data.sqlsource import BadDatabaseURL, check_db_url, open_readonly, scan_database
from tandem.platform.safety.errors import BlockedURL

KEY = b"k" * 32


def test_confine_refuses_outside_and_links_out(roots: Path, tmp_path: Path) -> None:
    (roots / "in.txt").write_text("x")
    outside = tmp_path / "secret.txt"
    outside.write_text("SSN 123-45-6789")
    (roots / "link.txt").symlink_to(outside)
    (roots / "dirlink").symlink_to(tmp_path)
    assert confine("in.txt", [roots])[0] == roots / "in.txt"
    for bad in ("link.txt", "dirlink", "../secret.txt", str(outside), "/etc/passwd", "missing"):
        with pytest.raises(OutsideRoots):
            confine(bad, [roots])
    assert [e.rel for e in walk(roots)] == ["in.txt"]  # links never followed


def test_pool_and_inline_give_identical_results(roots: Path) -> None:
    demo_data.write_files(roots, demo_data.share_files())
    entries = list(walk(roots))
    assert len(entries) >= 25
    entries = [e for e in entries if e.rel.startswith(("archive", "it/", "finance"))]  # a pool start costs seconds

    def run(kind: str) -> list[dict[str, Any]]:
        with executor_for(len(entries), 2, kind) as pool:
            futures = [pool.submit(scan_file, str(e.path), e.rel, KEY, 10**7) for e in entries]
            return [f.result() for f in futures]

    inline = run("inline")
    assert run("pool") == inline
    found = {t for r in inline for t in r["type_counts"]}
    assert {"US_SSN", "CREDIT_CARD", "IBAN", "EMAIL", "AWS_ACCESS_KEY_ID"} <= found
    zipped = next(r for r in inline if r["path"] == "archive/old-exports.zip")
    assert zipped["type_counts"].get("US_SSN")


def test_results_hold_no_raw_values(roots: Path) -> None:
    (roots / "a.csv").write_text("name,ssn\nJane Roe,536-22-4817\n")
    result = scan_file(str(roots / "a.csv"), "a.csv", KEY, 10**6)
    assert "536-22-4817" not in repr(result)
    assert result["type_counts"]["US_SSN"] == 1 and result["samples"]["US_SSN"]


def test_database_url_guard(roots: Path) -> None:
    allow: set[str] = set()
    for bad in ("oracle://h/db", "postgresql://u:pw@127.0.0.1/db", "sqlite://", "sqlite:////etc/passwd"):
        with pytest.raises((BadDatabaseURL, OutsideRoots)):
            check_db_url(bad, [roots], allow)
    for blocked in ("postgresql://u@10.1.2.3/db", "mysql+pymysql://u@169.254.169.254/db"):
        with pytest.raises(BlockedURL):
            check_db_url(blocked, [roots], allow)
    assert check_db_url("postgresql://u@10.1.2.3/db", [roots], {"10.1.2.3"}).host == "10.1.2.3"
    assert check_db_url("postgresql://u@localhost/db", [roots], allow).host == "localhost"


def test_sqlite_sampled_read_only(roots: Path) -> None:
    demo_data.ehr_db(roots / "ehr.db")
    before = (roots / "ehr.db").read_bytes()
    url = check_db_url(f"sqlite:///{roots / 'ehr.db'}", [roots], set())
    tables = {t: objs for t, _, objs in scan_database(url, 50, KEY)}
    assert set(tables) == {"encounters", "patients"}
    columns = {o["column"]: o for o in tables["patients"] if o["kind"] == "column"}
    assert columns["ssn"]["type_counts"]["US_SSN"] == 50
    assert columns["mrn"]["type_counts"].get("MEDICAL_RECORD_NUMBER")
    assert tables["patients"][0]["cooccurrence"]  # types found together in a row
    engine = open_readonly(url)
    with pytest.raises(OperationalError), engine.begin() as conn:
        conn.execute(text("DELETE FROM patients"))
    engine.dispose()
    assert (roots / "ehr.db").read_bytes() == before
    sqlite3.connect(roots / "ehr.db").close()


def test_classification_rules() -> None:
    hint = classify.suggest({"US_SSN": 3, "EMAIL": 2}, [["PERSON", "EMAIL"]])
    assert hint.classification == "restricted" and {"government-id", "contact"} <= set(hint.data_categories)
    assert classify.suggest({"CREDIT_CARD": 1}).data_categories == ["financial", "payment-card"]
    phi = classify.suggest({"MEDICAL_RECORD_NUMBER": 1, "PERSON": 1}, [["MEDICAL_RECORD_NUMBER", "PERSON"]])
    assert phi.phi and "health" in phi.data_categories
    assert classify.suggest({"EMAIL": 1}, current="restricted").classification == "restricted"
    assert classify.suggest({}).classification == "internal"
