"""Greenbone/OpenVAS report XML parsing (GMP 9.0 and 22.6 samples)."""

from __future__ import annotations

from pathlib import Path

from tandem.monitoring.scanners import parse_greenbone

DATA = Path(__file__).parent / "data"


def test_gmp_22_result_with_severities_epss_and_qod() -> None:
    report = parse_greenbone((DATA / "defectdojo-report_detail_v2.xml").read_bytes(), "v2.xml")
    assert report.gmp_version == "22.6"
    (result,) = report.results
    assert result.nvt_oid == "1.3.6.1.4.1.25623.1.0.836484"
    assert result.host == "10.99.99.99" and result.hostname == "server99" and result.port == "42/tcp"
    assert result.asset_id == "96329f0e-5bb4-4164-958f-a78f76f634da"
    assert len(result.cves) == 93 and result.cves[0] == "CVE-2025-49659"
    assert result.qod == 80 and result.threat == "High" and result.severity == 9.8
    assert result.severities[0].type == "cvss_base_v3" and result.severities[0].vector.startswith("CVSS:3.1/")
    assert result.epss_max_percentile == 0.92284 and result.solution_type == "VendorFix"
    assert result.tags["solution_type"] == "VendorFix"
    assert result.key == ("96329f0e-5bb4-4164-958f-a78f76f634da", "42/tcp", "1.3.6.1.4.1.25623.1.0.836484")


def test_gmp_9_one_and_no_results() -> None:
    one = parse_greenbone((DATA / "defectdojo-one_vuln.xml").read_bytes(), "one.xml")
    assert one.gmp_version == "9.0" and len(one.results) == 1 and len(one.results[0].cves) == 12
    none = parse_greenbone((DATA / "defectdojo-no_vuln.xml").read_bytes(), "none.xml")
    assert none.results == ()
