"""NVD 2.0, KEV, EPSS and OSV parsers on real samples, and located errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tandem.platform.safety.errors import TooLarge
from tandem.vulnerabilities.feeds import (
    FeedError,
    affected_reason,
    parse_epss_csv,
    parse_kev_csv,
    parse_kev_json,
    parse_nvd,
    parse_osv,
)

DATA = Path(__file__).parent / "data"


def read(rel: str) -> bytes:
    return (DATA / rel).read_bytes()


def test_nvd_page_and_bare_cve() -> None:
    page = parse_nvd(read("nvd/cves-38-records-2023-10-18.json"), "page.json")
    assert len(page) == 38
    (ssh,) = parse_nvd(read("nvd/CVE-2024-6387.json"), "CVE-2024-6387.json")
    assert ssh.id == "CVE-2024-6387" and ssh.cwes == ("CWE-362", "CWE-364")
    best = ssh.best_cvss()
    assert best is not None and best.version == "3.1" and best.base_score == 8.1
    crit = ssh.configurations[0].nodes[0].criteria[1]
    assert crit.start_including == "8.6" and crit.end_excluding == "9.8" and crit.describe_range() == ">=8.6, <9.8"
    assert ssh.configurations[0].nodes[0].criteria[4].cpe.update == "-"


def test_nvd_kev_copy_and_and_configurations() -> None:
    (webp,) = parse_nvd(read("nvd/CVE-2023-4863.json"), "webp.json")
    assert webp.kev_added and webp.kev_due
    page = parse_nvd(read("nvd/cves-38-records-2023-10-18.json"), "page.json")
    assert any(c.operator == "AND" for r in page for c in r.configurations)


def test_nvd_errors_are_located() -> None:
    with pytest.raises(FeedError) as info:
        parse_nvd(b'{\n  "vulnerabilities": [\n    {"cve": {"id": "CVE-1", }\n  ]\n}', "bad.json")
    assert info.value.location is not None and info.value.location.startswith("bad.json:3:")
    doc = {
        "vulnerabilities": [
            {
                "cve": {
                    "id": "CVE-1",
                    "configurations": [
                        {"nodes": [{"cpeMatch": [{"criteria": "cpe:2.3:a:broken", "vulnerable": True}]}]}
                    ],
                }
            }
        ]
    }
    with pytest.raises(FeedError) as info:
        parse_nvd(json.dumps(doc).encode(), "x.json")
    assert info.value.location == "x.json#/vulnerabilities/0/cve/configurations/0/nodes/0/cpeMatch/0/criteria"
    with pytest.raises(FeedError, match="legacy"):
        parse_nvd(b'{"CVE_Items": []}', "old.json")
    from tandem.vulnerabilities.feeds import load_json

    with pytest.raises(TooLarge):
        load_json(b"{}" + b" " * 100, "big.json", max_bytes=10)


def test_unknown_keys_are_ignored() -> None:
    doc = {
        "id": "CVE-2099-0001",
        "descriptions": [],
        "cveTags": [{"tags": ["disputed"]}],
        "metrics": {"ssvcV203": [{}]},
        "somethingNew": 1,
    }
    (record,) = parse_nvd(json.dumps(doc).encode(), "drift.json")
    assert record.tags == ("disputed",)


def test_kev_json_and_csv_agree() -> None:
    as_json = parse_kev_json(read("kev/kev-excerpt.json"), "kev.json")
    as_csv = parse_kev_csv(read("kev/kev-excerpt.csv"), "kev.csv")
    assert as_json.version == "2025.08.25" and as_json.entries == as_csv.entries
    entry = as_json.entries["CVE-2023-4863"]
    assert entry.due_date == "2023-10-04" and entry.date_added == "2023-09-13"
    assert any(e.ransomware for e in as_json.entries.values())


def test_kev_bad_rows_are_located() -> None:
    with pytest.raises(FeedError) as info:
        parse_kev_csv(b"cveID,vendorProject\nCVE-1,x\n", "k.csv")
    assert info.value.location == "k.csv:1"
    bad = {"vulnerabilities": [{"cveID": "CVE-2020-1234", "dateAdded": "2020-01-01", "dueDate": "soon"}]}
    with pytest.raises(FeedError, match="dueDate") as info:
        parse_kev_json(json.dumps(bad).encode(), "k.json")
    assert info.value.location == "k.json#/vulnerabilities/0"


def test_epss_header_and_rows() -> None:
    snap = parse_epss_csv(read("epss/epss_scores-2026-09-29-excerpt.csv"), "epss.csv")
    assert (snap.model_version, snap.score_date) == ("v2026.06.15", "2026-09-29T12:00:22Z")
    assert len(snap.scores) == 618 and snap.scores["CVE-1999-0001"].percentile == 0.88255
    tiny = parse_epss_csv(b"cve,epss,percentile\nCVE-2020-1,5e-05,0.01\n", "e.csv")
    assert tiny.scores["CVE-2020-1"].score == 5e-05 and tiny.model_version is None
    with pytest.raises(FeedError) as info:
        parse_epss_csv(b"#model_version:v1\ncve,epss,percentile\nCVE-1,abc,0.5\n", "e.csv")
    assert info.value.location == "e.csv:3"
    with pytest.raises(TooLarge):
        parse_epss_csv(b"x" * 100, "e.csv", max_bytes=10)


def test_osv_ranges_versions_and_purls() -> None:
    (pysec,) = parse_osv(read("osv/PYSEC-2023-74.json"), "pysec.json")
    (aff,) = pysec.affected
    assert aff.purl == "pkg:pypi/requests" and {r.type for r in aff.ranges} == {"GIT", "ECOSYSTEM"}
    assert affected_reason(aff, "2.30.0") is not None
    assert affected_reason(aff, "2.31.0") is None
    assert affected_reason(aff, "2.2.0") is None
    (go,) = parse_osv(read("osv/GO-2021-0113.json"), "go.json")
    assert go.modified == "0001-01-01T00:00:00Z" and "CVE-2021-38561" in go.cve_ids
    assert affected_reason(go.affected[0], "0.3.6") == "SEMVER range >=0, <0.3.7"
    assert affected_reason(go.affected[0], "0.3.7") is None
    (rust,) = parse_osv(read("osv/RUSTSEC-2020-0071.json"), "rust.json")
    assert rust.affected[0].ecosystem == "crates.io"


def test_osv_last_affected_and_bad_event() -> None:
    doc = {
        "id": "X-1",
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "a"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"last_affected": "1.2.0"}]}],
            }
        ],
    }
    (adv,) = parse_osv(json.dumps(doc).encode(), "o.json")
    assert affected_reason(adv.affected[0], "1.2.0") is not None
    assert affected_reason(adv.affected[0], "1.2.1") is None
    doc["affected"][0]["ranges"][0]["events"] = [{"introduced": "1", "fixed": "2"}]  # type: ignore[index]
    with pytest.raises(FeedError) as info:
        parse_osv(json.dumps(doc).encode(), "o.json")
    assert info.value.location == "o.json#/affected/0/ranges/0/events/0"
