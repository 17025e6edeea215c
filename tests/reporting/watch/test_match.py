"""Matching items to the organisation: products it runs (CPE or name), its suppliers, frameworks in use and the
jurisdictions of its data stores, each with the reason shown to the user."""

from __future__ import annotations

from tandem.reporting.watch import feeds
from tandem.reporting.watch.feeds import CfrRef, FeedItem, Framework, OrgProfile, Product, Software

PROFILE = OrgProfile(
    frameworks=(Framework("hipaa-security-rule", "HIPAA Security Rule", assessed=True),
                Framework("eu-gdpr", "GDPR", assessed=False)),
    store_countries={"US": ("EHR database",), "FR": ("EU marketing list",)},
    vendors=("Cisco", "Microsoft"),
    software=(Software("Google Chrome", "Google Chrome", "Google", "google", "chrome"),
              Software("log4j-core", "log4j-core", "Apache", "apache", "log4j"),
              Software("Windows", "Windows", "", "microsoft", "windows_11")),
)  # fmt: skip


def _kev(vendor: str, product: str) -> FeedItem:
    return FeedItem("kev", "CVE-2025-0001", "x", products=(Product(vendor, product),))


def test_products_the_organisation_runs_match_by_cpe_and_name() -> None:
    (webp,) = feeds.match_item(_kev("Google", "Chromium WebP"), PROFILE)
    assert (webp.kind, webp.target) == ("product", "Google Chrome")
    assert webp.reason == "Google Chromium WebP — the inventory runs Google Chrome"
    assert feeds.match_item(_kev("Apache", "Log4j2"), PROFILE)[0].target == "log4j-core"
    assert feeds.match_item(_kev("Microsoft", "Windows"), PROFILE)[0].kind == "product"


def test_a_supplier_matches_when_no_product_does_and_strangers_do_not() -> None:
    (sharepoint,) = feeds.match_item(_kev("Microsoft", "SharePoint"), PROFILE)
    assert (sharepoint.kind, sharepoint.target) == ("vendor", "Microsoft")
    assert feeds.match_item(_kev("Apache", "HTTP Server"), PROFILE) == []  # Apache is no supplier; httpd not run
    assert feeds.match_item(_kev("Fortinet", "FortiOS"), PROFILE) == []
    rss = FeedItem("cisa-advisories", "a", "Cisco Releases Security Updates for IOS XE Software")
    assert [m.target for m in feeds.match_item(rss, PROFILE)] == ["Cisco"]


def test_rules_match_frameworks_in_use_and_data_store_jurisdictions() -> None:
    amendment = FeedItem("ecfr", "45 CFR 164@2024-06-25", "45 CFR 164 amended", cfr_refs=(CfrRef(45, 164),),
                         topics=("HIPAA",), jurisdictions=("US",))  # fmt: skip
    framework, place = feeds.match_item(amendment, PROFILE)
    assert framework.reason == "touches HIPAA (45 CFR 164); HIPAA Security Rule is assessed"
    assert place.reason == "US rule on HIPAA; data stores in US: EHR database"
    nis2 = FeedItem("eur-lex", "x", "NIS 2 implementing act", topics=("NIS2",), jurisdictions=("EU",))
    (eu,) = feeds.match_item(nis2, PROFILE)
    assert (eu.kind, eu.reason) == ("jurisdiction", "EU rule on NIS2; data stores in FR: EU marketing list")
    gdpr = FeedItem("eur-lex", "y", "adequacy", topics=("GDPR",), jurisdictions=("EU",))
    assert feeds.match_item(gdpr, PROFILE)[0].reason == "touches GDPR (GDPR); GDPR is in the framework library"
    # A US rule on nothing the organisation tracks is not flagged just for being American.
    assert feeds.match_item(FeedItem("federal-register", "z", "Rule", jurisdictions=("US",)), PROFILE) == []
