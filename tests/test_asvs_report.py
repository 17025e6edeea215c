"""The ASVS coverage report counts only passing tests, per requirement kind, and flags unknown tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from security.asvs_report import load_requirements, main

JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.a" name="test_ok"><properties><property name="asvs" value="V1.1.1"/>
<property name="asvs" value="V99.9.9"/></properties></testcase>
<testcase classname="tests.a" name="test_failed"><properties><property name="asvs" value="V1.1.2"/></properties>
<failure message="boom"/></testcase>
<testcase classname="tests.a" name="test_skipped"><properties><property name="asvs" value="V1.2.1"/></properties>
<skipped message="no pg"/></testcase>
</testsuite></testsuites>"""


def test_the_shipped_list_has_the_212_applicable_requirements() -> None:
    kinds = [r["kind"].rstrip("*") for r in load_requirements()]
    assert (len(kinds), kinds.count("T"), kinds.count("D"), kinds.count("P")) == (212, 181, 20, 11)


def test_only_passing_tagged_tests_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(JUNIT)
    out = tmp_path / "asvs.md"
    assert main([str(junit), "--out", str(out)]) == 0
    assert "ASVS app-testable coverage: 1/181" in capsys.readouterr().out
    text = out.read_text()
    assert "| V1.1.1 | 2 | T |" in text and "V99.9.9" in text.split("| id |")[0]
    assert main([str(tmp_path / "missing.xml")]) == 2
