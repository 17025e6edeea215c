"""The watch's pure parsers on the shipped real samples (KEV, CSAF) and the format fixtures: counts, fields,
SHA-512 checks, the KEV delta, located errors for malformed input, and XML attacks refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tandem.platform.safety.errors import InvalidXML, TooLarge, UnsafeXML
from tandem.reporting.watch import feeds
from tandem.reporting.watch.feeds import FeedError

SAMPLES = Path(feeds.__file__).parent.parent / "samples"


def _read(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_kev_slice_parses_every_entry_with_its_fields() -> None:
    parsed = feeds.parse_kev(_read("kev-2025.08.25-slice.json"), "kev.json")
    assert (parsed.source, parsed.version, len(parsed.items)) == ("kev", "2025.08.25", 155)
    log4shell = next(i for i in parsed.items if i.external_id == "CVE-2021-44228")
    assert log4shell.products == (feeds.Product("Apache", "Log4j2"),)
    assert log4shell.published == "2021-12-10" and log4shell.extra["due_date"] == "2021-12-24"
    assert log4shell.extra["ransomware"] is True and log4shell.url.endswith("CVE-2021-44228")
    assert log4shell.title.startswith("CVE-2021-44228: Apache Log4j2")
    assert all(i.cves == (i.external_id,) and i.remediations for i in parsed.items)


def test_kev_delta_lists_only_entries_added_since_the_version_seen_last() -> None:
    doc = json.loads(_read("kev-2025.08.25-slice.json"))
    older = {**doc, "catalogVersion": "2025.08.20", "vulnerabilities": doc["vulnerabilities"][5:], "count": 150}
    before = feeds.parse_kev(json.dumps(older).encode(), "old.json")
    now = feeds.parse_kev(_read("kev-2025.08.25-slice.json"), "new.json")
    delta = feeds.kev_delta(now, before.version, {i.external_id for i in before.items})
    assert delta.newer and [i.external_id for i in delta.new] == [v["cveID"] for v in doc["vulnerabilities"][:5]]
    again = feeds.kev_delta(now, now.version, {i.external_id for i in now.items})
    assert (again.newer, again.new) == (False, ())


def test_csaf_advisory_gives_products_cves_cvss_and_remediations_after_the_sha512_check() -> None:
    parsed = feeds.parse_csaf(_read("va-24-254-01.json"), "va.json", _read("va-24-254-01.json.sha512"))
    (item,) = parsed.items
    assert item.external_id == "VA-24-254-01" and item.title.endswith(
        "IBM webMethods Integration Multiple Vulnerabilities"
    )
    assert item.cves == ("CVE-2024-45075", "CVE-2024-45076", "CVE-2024-45074")
    assert item.products == (feeds.Product("IBM", "webMethods Integration", ("10.15",), "known_affected"),)
    assert (item.cvss, item.severity) == (9.9, "critical")
    assert any("Install Corefix 14" in r for r in item.remediations)
    ics = feeds.parse_csaf(_read("icsa-24-081-01.json"), "ics.json", _read("icsa-24-081-01.json.sha512")).items[0]
    assert ics.cves == ("CVE-2024-2453",) and ics.products[0].vendor == "Advantech"


def test_csaf_sha512_mismatch_and_bad_checksum_files_are_refused() -> None:
    data = _read("va-24-254-01.json")
    with pytest.raises(FeedError, match="SHA-512 mismatch") as exc:
        feeds.parse_csaf(data + b" ", "va.json", _read("va-24-254-01.json.sha512"))
    assert exc.value.location == "va.json.sha512"
    with pytest.raises(FeedError, match="128 hex digits"):
        feeds.parse_csaf(data, "va.json", b"not a checksum")
    with pytest.raises(FeedError, match="SHA-512 mismatch"):
        feeds.parse_csaf(data, "va.json", _read("icsa-24-081-01.json.sha512"))


def test_csaf_malformed_documents_name_the_place() -> None:
    doc = json.loads(_read("va-24-254-01.json"))
    doc["vulnerabilities"][1]["product_status"]["known_affected"] = ["CSAFPID-9999"]
    with pytest.raises(FeedError, match="CSAFPID-9999") as exc:
        feeds.parse_csaf(json.dumps(doc).encode(), "va.json")
    assert exc.value.location == "va.json#/vulnerabilities/1/product_status"
    doc = json.loads(_read("va-24-254-01.json"))
    doc["document"]["csaf_version"] = "1.2"
    with pytest.raises(FeedError, match=r"not 2\.0"):
        feeds.parse_csaf(json.dumps(doc).encode(), "va.json")


def test_rss_and_atom_fixtures_give_items_sources_dates_and_topics() -> None:
    cisa = feeds.parse_rss(_read("cisa-advisories.xml"), "cisa.xml")
    assert cisa.source == "cisa-advisories" and len(cisa.items) == 3
    first = cisa.items[0]
    assert (first.external_id, first.published) == ("VA-24-254-01", "2024-09-10T16:00:00+00:00")
    assert first.summary.startswith("IBM webMethods Integration contains") and "<p>" not in first.summary
    nist = feeds.parse_rss(_read("nist-csrc-publications.rss"), "nist.rss")
    assert nist.source == "nist-csrc" and [i.topics for i in nist.items] == [("NIST SP 800-53",), ("HIPAA",), ()]
    eu = feeds.parse_rss(_read("eur-lex.atom"), "eur-lex.atom")
    assert eu.source == "eur-lex" and [i.topics for i in eu.items] == [("NIS2",), ("DORA",), (), ("GDPR",)]
    assert all(i.jurisdictions == ("EU",) for i in eu.items)


def test_federal_register_page_and_single_document() -> None:
    page = feeds.parse_federal_register(_read("federal-register-documents.json"), "fr.json")
    assert [i.external_id for i in page.items] == ["2024-30983", "2024-07915", "2024-10855"]
    proposed = page.items[0]
    assert [str(r) for r in proposed.cfr_refs] == ["45 CFR 160", "45 CFR 164"]
    assert proposed.topics == ("HIPAA",) and proposed.jurisdictions == ("US",)
    assert proposed.extra["type"] == "Proposed Rule" and proposed.extra["comments_close_on"] == "2025-03-07"
    assert page.items[2].topics == ()  # the FTC rule cites 16 CFR 318, not HIPAA
    single = json.loads(_read("federal-register-documents.json"))["results"][1]
    assert feeds.parse_federal_register(json.dumps(single).encode(), "doc.json").items[0].external_id == "2024-07915"


def test_ecfr_versions_group_into_one_item_per_amendment() -> None:
    parsed = feeds.parse_ecfr(_read("ecfr-title-45-part-164-versions.json"), "ecfr.json")
    assert parsed.version == "2024-06-25"
    assert [i.external_id for i in parsed.items] == ["45 CFR 164@2024-06-25", "45 CFR 164@2013-03-26"]
    assert len(parsed.items[0].extra["sections"]) == 5 and parsed.items[0].topics == ("HIPAA",)


@pytest.mark.parametrize(
    ("fmt", "data", "location", "reason"),
    [
        ("kev", b'{"catalogVersion": "1", "vulnerabilities": [{"cveID": "CVE-1"}]}', "k#/vulnerabilities/0/cveID",
         "not a CVE id"),
        ("kev", b'{"catalogVersion": "1",\n "vulnerabilities": [}', "k:2:22", "malformed JSON"),
        ("kev", b'{"vulnerabilities": []}', "k#/catalogVersion", "missing catalogVersion"),
        ("federal-register", b'{"results": [{"title": "x"}]}', "k#/results/0", "document_number"),
        ("federal-register",
         b'{"results": [{"title": "x", "document_number": "1", "cfr_references": [{"title": "a"}]}]}',
         "k#/results/0/cfr_references/0", "numeric title"),
        ("ecfr", b'{"content_versions": [{"amendment_date": "soon", "title": "45", "part": "164"}]}',
         "k#/content_versions/0/amendment_date", "YYYY-MM-DD"),
        ("rss", b"<rss><channel><item><description>x</description></item></channel></rss>",
         "k#/rss/channel/item[1]", "neither a title nor a link"),
        ("rss", b"<html/>", "k:1", "neither RSS 2.0"),
    ],
)  # fmt: skip
def test_malformed_input_gives_a_located_error(fmt: str, data: bytes, location: str, reason: str) -> None:
    with pytest.raises(FeedError) as exc:
        feeds.parse(fmt, data, "k")
    assert exc.value.location == location and reason in exc.value.reason


def test_xml_attacks_and_oversize_documents_are_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>' \
          b"<item><title>&x;</title></item></channel></rss>"  # fmt: skip
    with pytest.raises(UnsafeXML, match="DOCTYPE"):
        feeds.parse_rss(xxe, "evil.xml")
    with pytest.raises(InvalidXML) as exc:
        feeds.parse_rss(b"<rss><channel>\n<item><title>x</item></channel></rss>", "bad.xml")
    assert exc.value.location == "bad.xml:2:17"  # the stray </item>
    with pytest.raises(TooLarge):
        feeds.parse_kev(b" " * 101, "big.json", max_bytes=100)
