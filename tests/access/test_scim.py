"""SCIM sync against a real SCIM server on loopback serving recorded ListResponse pages (paged, with a token),
through the outbound URL guard (allowed only when the host is allow-listed)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.access import effective, scim_sync
from tandem.access.importers.scim import ENTERPRISE, LIST_RESPONSE
from tandem.access.models import Account, Entitlement
from tandem.access.settings import get_access_settings
from tandem.platform.config import get_settings
from tandem.platform.errors import InvalidInput
from tests.access.conftest import World

USERS = [
    {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": f"u{n}",
        "userName": name,
        "active": n != 3,
        "emails": [{"value": f"{name}@hospital.example", "primary": True}],
        ENTERPRISE: {"employeeNumber": f"E{n}"},
    }
    for n, name in ((1, "alice"), (2, "bob"), (3, "carol"))
]
GROUPS = [
    {"id": "g-admins", "displayName": "EHR admins", "members": [{"value": "g-ops", "type": "Group"}]},
    {"id": "g-ops", "displayName": "Ops", "members": [{"value": "u1"}, {"value": "u3"}]},
]


class _Scim(BaseHTTPRequestHandler):
    seen_tokens: list[str] = []

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        start, count = int(query["startIndex"][0]), 2  # the server pages by 2 whatever the client asks
        data = USERS if parts.path.endswith("/Users") else GROUPS
        page = data[start - 1 : start - 1 + count]
        _Scim.seen_tokens.append(self.headers.get("Authorization", ""))
        body = json.dumps(
            {
                "schemas": [LIST_RESPONSE],
                "totalResults": len(data),
                "startIndex": start,
                "itemsPerPage": len(page),
                "Resources": page,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/scim+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def scim_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/scim/v2"
    server.shutdown()
    get_settings.cache_clear()
    get_access_settings.cache_clear()


def test_scim_sync_reads_pages_through_the_url_guard(
    session: Session, world: World, scim_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InvalidInput, match="non-public address"):
        scim_sync.sync(session, None, scim_url, "okta")
    port = scim_url.split(":")[2].split("/")[0]
    monkeypatch.setenv("TANDEM_OUTBOUND_ALLOW_HOSTS", f"127.0.0.1:{port}")
    monkeypatch.setenv("TANDEM_ACCESS_SCIM_TOKEN", "s3cret")
    get_settings.cache_clear()
    get_access_settings.cache_clear()
    result = scim_sync.sync(session, None, scim_url, "okta")
    assert (result["users"], result["groups"]) == (3, 2)
    assert _Scim.seen_tokens and set(_Scim.seen_tokens) == {"Bearer s3cret"}
    accounts = {a.username: a for a in session.scalars(select(Account).where(Account.external_id.like("u%")))}
    assert accounts["carol"].status == "disabled" and accounts["alice"].correlation == "employee_id"
    admins = session.scalars(select(Entitlement).where(Entitlement.external_id == "group:g-ops")).one()
    assert admins.includes == ["group:g-admins"]
    from tandem.access import imports

    ents = (
        "system,entitlement_id,name,includes,data_stores\nokta,group:g-admins,EHR admins,,EHR database:admin\n"
        "okta,group:g-ops,Ops,group:g-admins,\n"
    )
    imports.import_file(session, None, "entitlements", ents.encode(), "okta-ents.csv")
    rows = effective.who_can(session, None, "EHR database")["rows"]
    assert {("Alice Adams", ("Ops", "EHR admins"), "admin")} <= {
        (r["identity"], tuple(r["path"]), r["access"]) for r in rows
    }
