"""Scanning files: structured sources, archives and bombs, masking, hashing and co-occurrence."""

import gzip
import io
import json
import zipfile
from email.message import EmailMessage

import openpyxl

from tandem.data.discovery import EntityType as T
from tandem.data.discovery import Scanner

KEY = b"k" * 32


def test_finding_holds_no_raw_value() -> None:
    result = Scanner(KEY).scan_text("ssn 536-90-4399 card 4111 1111 1111 1111")
    stored = json.dumps([f.to_dict() for f in result.findings])
    assert "536-90-4399" not in stored and "4111 1111 1111 1111" not in stored
    assert {f.masked for f in result.findings} == {"***-**-4399", "**** **** **** 1111"}


def test_keyed_hash_correlates_equal_values() -> None:
    one = Scanner(KEY).scan_text("card 4111 1111 1111 1111").findings[0]
    two = Scanner(KEY).scan_text("card=4111-1111-1111-1111").findings[0]
    other_key = Scanner(b"x" * 32).scan_text("card 4111 1111 1111 1111").findings[0]
    assert one.value_hash == two.value_hash != other_key.value_hash


def test_xlsx_columns_and_cooccurrence() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["full_name", "ssn", "birthdate"])
    sheet.append(["Ada Lovelace", "536-90-4399", "1980-02-03"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = Scanner(KEY).scan_bytes(buffer.getvalue(), "people.xlsx")
    assert result.types() == {T.PERSON, T.US_SSN, T.DATE_OF_BIRTH}
    rows = [types for group, types in result.cooccurrence.items() if "#row1" in group]
    assert rows == [frozenset({T.PERSON, T.US_SSN, T.DATE_OF_BIRTH})]


def test_zip_gzip_and_eml() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("Please call Ann Lee back on (415) 555-2671.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mail.eml", message.as_bytes())
        archive.writestr("log.txt.gz", gzip.compress(b"ip=10.1.2.3"))
    result = Scanner(KEY).scan_bytes(buffer.getvalue(), "box.zip")
    assert {T.EMAIL, T.PHONE, T.PERSON, T.IP_ADDRESS} <= result.types()
    assert any(f.location.path == "box.zip!mail.eml" for f in result.findings)


def test_zip_bomb_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * (20 * 1024 * 1024))
    result = Scanner(KEY).scan_bytes(buffer.getvalue(), "bomb.zip")
    assert result.findings == [] and result.errors


def test_xml_is_defused_and_keys_used() -> None:
    ok = Scanner(KEY).scan_bytes(b"<p><name>Ann Lee</name><dob>1980-02-03</dob></p>", "p.xml")
    assert ok.types() == {T.PERSON, T.DATE_OF_BIRTH}
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    assert Scanner(KEY).scan_bytes(evil, "e.xml").errors
