"""ASVS V13.2.4/V13.2.5: with TANDEM_OUTBOUND_ALLOWLIST set, the one outbound URL guard refuses every host not on
it, before any lookup or connection, on every path that reaches out: feeds, watch sources, SSO, SCIM and database
sources; listed hosts still pass the address checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.access import scim_sync
from tandem.data import sqlsource
from tandem.platform.auth import oidc
from tandem.platform.config import get_settings
from tandem.platform.errors import InvalidInput, TandemError
from tandem.platform.safety.errors import BlockedURL, UnsafeInput
from tandem.platform.safety.urls import check_url, fetch, on_allowlist, parse_allowlist
from tandem.reporting.watch import fetch as watch_fetch
from tandem.vulnerabilities import ingest

REFUSED = "not on the outbound allowlist"


@pytest.mark.asvs("V13.2.4")
def test_entries_name_hosts_or_whole_domains() -> None:
    allowlist = parse_allowlist(" Feeds.Example.org , *.cisa.gov, .nist.gov., 203.0.113.7:8443, [2001:db8::1] ")
    assert on_allowlist("feeds.example.org", 443, allowlist)
    assert not on_allowlist("evil.feeds.example.org", 443, allowlist)  # a plain entry is that host only
    assert on_allowlist("www.cisa.gov", 443, allowlist) and on_allowlist("cisa.gov", 443, allowlist)
    assert on_allowlist("services.nvd.nist.gov", 443, allowlist)
    assert not on_allowlist("cisa.gov.evil.example", 443, allowlist) and not on_allowlist("notcisa.gov", 443, allowlist)
    assert on_allowlist("203.0.113.7", 8443, allowlist) and not on_allowlist("203.0.113.7", 443, allowlist)
    assert on_allowlist("2001:db8::1", 443, allowlist)


@pytest.mark.asvs("V13.2.4", "V13.2.5")
def test_the_guard_refuses_unlisted_hosts_before_resolving(settings_env: Callable[..., None]) -> None:
    settings_env(outbound_allowlist="*.example.org")
    for url in ("https://attacker.test/x", "http://169.254.169.254/latest/meta-data/", "https://example.org.evil.test/",
                "https://127.0.0.1/"):  # fmt: skip
        with pytest.raises(BlockedURL, match=REFUSED):
            check_url(url)
    with pytest.raises(BlockedURL, match=REFUSED):  # the per-call exceptions for private hosts do not widen it
        check_url("http://127.0.0.1:9/", allow_hosts={"127.0.0.1"})


@pytest.mark.asvs("V13.2.4", "V13.2.5")
def test_listed_hosts_still_pass_the_address_checks(settings_env: Callable[..., None]) -> None:
    settings_env(outbound_allowlist="127.0.0.1,localhost")
    with pytest.raises(BlockedURL, match="non-public address"):
        check_url("http://127.0.0.1:9/")
    assert check_url("http://127.0.0.1:9/", allow_hosts={"127.0.0.1"}).ip == "127.0.0.1"
    settings_env(outbound_allowlist="")
    assert check_url("http://127.0.0.1:9/", allow_hosts={"127.0.0.1"}).allow_listed  # unset: as before


def _refused(call: Callable[[], Any]) -> str:
    with pytest.raises((TandemError, UnsafeInput)) as caught:
        call()
    return str(caught.value)


@pytest.mark.asvs("V13.2.4", "V13.2.5")
def test_every_outbound_path_is_bounded_by_the_allowlist(settings_env: Callable[..., None]) -> None:
    # Each path aims at a host that is not listed; the guard refuses it before any connection is tried.
    settings_env(outbound_allowlist="feeds.example.org", vulnerabilities_fetch_enabled="true",
                 vulnerabilities_kev_url="https://kev.unlisted.test/kev.json",
                 oidc_issuer="https://idp.unlisted.test", oidc_client_id="tandem")  # fmt: skip
    ingest.get_vulnerability_settings.cache_clear()
    oidc.clear_cache()
    try:
        paths: dict[str, Callable[[], Any]] = {
            "guarded fetch": lambda: fetch("https://unlisted.test/feed.json", max_bytes=1024),
            "vulnerability feeds": lambda: ingest.fetch_feed("kev"),
            "watch sources": lambda: watch_fetch._get("https://watch.unlisted.test/advisories.json"),
            "SSO discovery": lambda: oidc.discovery(get_settings()),
            "SCIM sync": lambda: scim_sync.read_all("https://scim.unlisted.test/scim/v2", "Users", "t"),
            "database sources": lambda: sqlsource.check_db_url(
                "postgresql://reader@db.unlisted.test:5432/app", [], set()),
        }  # fmt: skip
        for name, call in paths.items():
            message = _refused(call)
            assert REFUSED in message, (name, message)
    finally:
        ingest.get_vulnerability_settings.cache_clear()
        oidc.clear_cache()


@pytest.mark.asvs("V13.2.4")
def test_a_refusal_is_a_located_error_not_a_crash(settings_env: Callable[..., None]) -> None:
    settings_env(outbound_allowlist="feeds.example.org")
    message = _refused(lambda: watch_fetch._get("https://unlisted.test/x"))
    assert "unlisted.test" in message and "TANDEM_OUTBOUND_ALLOWLIST" in message
    assert isinstance(InvalidInput.one("url", message), InvalidInput)
