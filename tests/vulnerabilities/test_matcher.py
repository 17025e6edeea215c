"""End-to-end known answers: nmap services → normalised CPEs → NVD; purls → OSV; KEV/EPSS priority."""

from __future__ import annotations

import json
from pathlib import Path

from tandem.monitoring.scanners import parse_nmap
from tandem.vulnerabilities.feeds import (
    AliasTable,
    EpssScore,
    InventoryItem,
    KevEntry,
    Matcher,
    match,
    parse_kev_json,
    parse_nvd,
    parse_osv,
)

DATA = Path(__file__).parent / "data"
NMAP = Path(__file__).parents[1] / "monitoring" / "data" / "nmap-localhost-baseline.xml"


def records():  # type: ignore[no-untyped-def]
    out = []
    for name in (
        "CVE-2024-6387.json",
        "CVE-2021-23017.json",
        "CVE-2024-3094.json",
        "CVE-2023-4863.json",
        "cves-38-records-2023-10-18.json",
    ):
        out += parse_nvd((DATA / "nvd" / name).read_bytes(), name)
    return out


def nmap_items() -> list[InventoryItem]:
    scan = parse_nmap(NMAP.read_bytes(), "baseline.xml")
    items = []
    for host in scan.hosts:
        for port in host.ports:
            service = port.service
            if service is None or port.state != "open":
                continue
            for i, cpe in enumerate(service.cpes):
                items.append(
                    InventoryItem(
                        host.address,
                        f"{port.portid}/{i}",
                        service.product or "",
                        service.version or "",
                        cpe=cpe,
                        source="scan:nmap",
                        confidence=0.9,
                    )
                )
    return items


def test_openssh_matches_regresshion_by_range_and_nginx_does_not_match_23017() -> None:
    found = match(nmap_items(), records())
    by = {(m.item.software_id, m.advisory_id): m for m in found}
    ssh = by[("12222/0", "CVE-2024-6387")]
    assert ssh.path == "cpe" and ssh.range == ">=8.6, <9.8" and ssh.matched_version == "9.2p1"
    assert any("split '9.2p1'" in s for s in ssh.steps) and any("distro build" in s for s in ssh.steps)
    assert ssh.confidence < 0.5  # distro build: NVD ranges cannot see backports
    assert not any(m.advisory_id == "CVE-2021-23017" for m in found)
    # The versionless linux_kernel CPE of the ssh service is not matched against "every version" criteria.
    assert not any(m.item.software_id == "12222/1" for m in found)


def test_alias_brings_old_nginx_into_f5_range() -> None:
    old = InventoryItem("h", "nginx", "nginx", "1.20.0", cpe="cpe:/a:igor_sysoev:nginx:1.20.0")
    (m,) = [m for m in match([old], records()) if m.advisory_id == "CVE-2021-23017"]
    assert m.steps == ("alias igor_sysoev:nginx → f5:nginx",) and m.range == ">=0.6.18, <1.20.1"
    assert match([old], records(), aliases=AliasTable(pairs={})) == []


def test_exact_version_update_and_na() -> None:
    recs = records()
    p1 = InventoryItem("h", "s", cpe="cpe:2.3:a:openbsd:openssh:8.5:p1:*:*:*:*:*:*")
    hits = [m for m in match([p1], recs) if m.advisory_id == "CVE-2024-6387"]
    assert hits and hits[0].range == "exact version"
    na = InventoryItem("h", "s", cpe="cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*")
    assert [m for m in match([na], recs) if m.advisory_id == "CVE-2024-6387"] == []  # 9.8:- is NA, not ANY


DEBIAN_OPENSSH = {
    "id": "DEBIAN-CVE-2024-6387-TEST",
    "modified": "2024-07-01T00:00:00Z",
    "aliases": ["CVE-2024-6387"],
    "affected": [
        {
            "package": {"ecosystem": "Debian:12", "name": "openssh"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1:9.2p1-2+deb12u3"}]}],
        }
    ],
}


def test_debian_backport_suppresses_the_cpe_finding() -> None:
    advisories = [*records(), *parse_osv(json.dumps(DEBIAN_OPENSSH).encode(), "debian.json")]
    fixed = InventoryItem(
        "h",
        "ssh",
        "OpenSSH",
        "9.2p1 Debian 2+deb12u10",
        cpe="cpe:/a:openbsd:openssh:9.2p1",
        purl="pkg:deb/debian/openssh@1:9.2p1-2%2Bdeb12u10?distro=debian-12",
    )
    assert [m for m in match([fixed], advisories) if m.advisory_id == "CVE-2024-6387"] == []
    kept = match([fixed], advisories, keep_suppressed=True)
    assert any(m.suppressed and "DEBIAN-CVE-2024-6387-TEST" in m.suppressed for m in kept)
    vulnerable = InventoryItem(
        "h", "ssh", cpe="cpe:/a:openbsd:openssh:9.2p1", purl="pkg:deb/debian/openssh@1:9.2p1-2+deb12u2?distro=debian-12"
    )
    (m,) = [m for m in match([vulnerable], advisories) if "CVE-2024-6387" in m.cve_ids]
    assert m.path == "purl"  # distro data wins over the NVD range and the duplicate CPE finding is dropped


def test_purl_paths_for_pypi_and_go() -> None:
    advisories = [
        *parse_osv((DATA / "osv/PYSEC-2023-74.json").read_bytes(), "p.json"),
        *parse_osv((DATA / "osv/GO-2021-0113.json").read_bytes(), "g.json"),
    ]
    items = [
        InventoryItem("h", "req", purl="pkg:pypi/Requests@2.30.0"),
        InventoryItem("h", "req-ok", purl="pkg:pypi/requests@2.31.0"),
        InventoryItem("h", "text", purl="pkg:golang/golang.org/x/text@v0.3.6"),
    ]
    found = {(m.item.software_id, m.advisory_id) for m in match(items, advisories)}
    assert found == {("req", "PYSEC-2023-74"), ("text", "GO-2021-0113")}


def test_kev_first_then_epss_then_cvss() -> None:
    kev = parse_kev_json((DATA / "kev/kev-excerpt.json").read_bytes(), "kev.json")
    items = [
        InventoryItem("h", "webp", cpe="cpe:2.3:a:webmproject:libwebp:1.3.1:*:*:*:*:*:*:*"),
        InventoryItem("h", "xz", cpe="cpe:2.3:a:tukaani:xz:5.6.0:*:*:*:*:*:*:*"),
        InventoryItem("h", "ssh", cpe="cpe:/a:openbsd:openssh:9.2p1"),
    ]
    epss = {"CVE-2024-6387": EpssScore(0.5, 0.99)}
    found = match(items, records(), kev=kev, epss=epss)
    order = [m.advisory_id for m in found]
    assert order.index("CVE-2023-4863") < order.index("CVE-2024-6387") < order.index("CVE-2024-3094")
    webp = next(m for m in found if m.advisory_id == "CVE-2023-4863")
    assert webp.priority.tier == 1 and webp.kev is not None and webp.kev.due_date == "2023-10-04"
    assert next(m for m in found if m.advisory_id == "CVE-2024-6387").priority.tier == 2
    assert next(m for m in found if m.advisory_id == "CVE-2024-3094").priority.label == "CVSS 10.0"


def test_and_configuration_needs_the_platform_on_the_same_asset() -> None:
    doc = {
        "id": "CVE-2099-0002",
        "vulnStatus": "Analyzed",
        "descriptions": [],
        "configurations": [
            {
                "operator": "AND",
                "nodes": [
                    {
                        "operator": "OR",
                        "cpeMatch": [
                            {
                                "vulnerable": True,
                                "criteria": "cpe:2.3:o:acme:fw:*:*:*:*:*:*:*:*",
                                "versionEndExcluding": "2.0",
                            }
                        ],
                    },
                    {
                        "operator": "OR",
                        "cpeMatch": [{"vulnerable": False, "criteria": "cpe:2.3:h:acme:box:-:*:*:*:*:*:*:*"}],
                    },
                ],
            }
        ],
    }
    recs = parse_nvd(json.dumps(doc).encode(), "and.json")
    firmware = InventoryItem("a1", "fw", cpe="cpe:2.3:o:acme:fw:1.5:*:*:*:*:*:*:*")
    box = InventoryItem("a1", "hw", cpe="cpe:2.3:h:acme:box:-:*:*:*:*:*:*:*")
    other = InventoryItem("a2", "fw2", cpe="cpe:2.3:o:acme:fw:1.5:*:*:*:*:*:*:*")
    found = Matcher(recs).match([firmware, box, other])
    assert [(m.item.software_id, m.platform) for m in found] == [("fw", ("cpe:2.3:h:acme:box:-:*:*:*:*:*:*:*",))]


def test_rejected_records_never_match() -> None:
    doc = {
        "id": "CVE-2099-0003",
        "vulnStatus": "Rejected",
        "descriptions": [],
        "configurations": [
            {
                "nodes": [
                    {"operator": "OR", "cpeMatch": [{"vulnerable": True, "criteria": "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"}]}
                ]
            }
        ],
    }
    item = InventoryItem("h", "y", cpe="cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*")
    assert match([item], parse_nvd(json.dumps(doc).encode(), "r.json")) == []
    assert KevEntry  # re-exported for callers building catalogues by hand
