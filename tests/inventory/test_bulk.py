"""Paths that matter at scale: keyed upserts through a staging table, statistics refresh, indexed search."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.inventory import imports, service
from tandem.inventory.kinds import KINDS
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.paging import PageRequest
from tests.inventory.conftest import Org


def _counts(result: dict[str, int]) -> tuple[int, int, int]:
    return result["added"], result["changed"], result["unchanged"]


def test_reimport_matches_keys_case_insensitively_ascii_and_not(session: Session, org: Org) -> None:
    first = "name,country\nAcme Corp,DE\nMüller GmbH,DE\n".encode()
    imports.import_file(session, CONSOLE, "vendors", first, "v.csv", unit_id=org.it)
    again = "name,country\nACME CORP,DE\nMÜLLER GMBH,AT\nNew One,FR\n".encode()
    # both existing vendors are found (no add); their names take the new spelling, so both count as changed
    assert _counts(imports.import_file(session, CONSOLE, "vendors", again, "v.csv", unit_id=org.it)) == (1, 2, 0)
    other_unit = imports.import_file(session, CONSOLE, "vendors", first, "v.csv", unit_id=org.finance)
    assert _counts(other_unit) == (2, 0, 0)


def test_software_upsert_keys_on_asset_and_null_application(session: Session, org: Org) -> None:
    hosts = b"hostname\nh1\nh2\n"
    imports.import_file(session, CONSOLE, "assets", hosts, "a.csv", unit_id=org.it)
    sw = b"name,version,vendor,asset\nopenssl,3.0.1,OpenSSL,h1\nopenssl,3.0.1,OpenSSL,h2\nbash,5.1,GNU,h1\n"
    assert _counts(imports.import_file(session, CONSOLE, "software", sw, "s.csv", unit_id=org.it)) == (3, 0, 0)
    # bash gets a new vendor, OPENSSL on h2 is the same component re-spelled, openssl on h1 is unchanged
    fixed = sw.replace(b"GNU,h1", b"FSF,h1").replace(b"openssl,3.0.1,OpenSSL,h2", b"OPENSSL,3.0.1,OpenSSL,h2")
    assert _counts(imports.import_file(session, CONSOLE, "software", fixed, "s.csv", unit_id=org.it)) == (0, 2, 1)


def test_search_is_case_insensitive_escaped_and_scoped(session: Session, org: Org) -> None:
    rows = "hostname,os_name,location\nweb_01,Ubuntu,Berlin\nweb101,Windows,Köln\ndb01,Ubuntu,100% rack\n"
    imports.import_file(session, CONSOLE, "assets", rows.encode(), "a.csv", unit_id=org.it)
    imports.import_file(session, CONSOLE, "assets", b"hostname\nweb_01x\n", "b.csv", unit_id=org.finance)

    def hosts(q: str, **filters: str) -> list[str]:
        req = PageRequest.parse(KINDS["assets"].spec, {"q": q, "org_unit_id": str(org.it), **filters})
        return sorted(a.hostname for a in service.list_records(session, CONSOLE, KINDS["assets"], req).items)

    assert hosts("WEB_") == ["web_01"]  # _ is literal, not a wildcard
    assert hosts("ubuntu") == ["db01", "web_01"]
    assert hosts("0%") == ["db01"]
    assert hosts("köln") == ["web101"]
    assert hosts("ubuntu", sort="-hostname") == ["db01", "web_01"]
