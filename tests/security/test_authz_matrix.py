"""The authorisation matrix: every route × every role × token scopes × inside/outside scope, from the route table.

`make test` runs the fast subset (each route once with a caller lacking its action, and anonymously);
`make security` runs everything (TANDEM_SECURITY_FULL=1). Denied requests must never answer 2xx and never
write: the audit entries a request adds are compared around it, ignoring the `authz.denied` record of the refusal
itself (ASVS V16.3.2), so any real write still shows.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter

import httpx
import pytest

from tandem.platform.auth.roles import ROLES
from tests.contracts.registry import all_contracts
from tests.security.authz import (
    DENIED,
    RouteCell,
    action_domains,
    audit_seq,
    audit_writes_since,
    bind_to_resource,
    minimal_body,
    route_cells,
    send,
    unauthenticated_ok,
)
from tests.support.live import Live

# Confirmed authorisation defects, (caller, "METHOD /path") -> why; each also gets a strict xfail test of its own.
# None so far: the last full run (SQLite and PostgreSQL) found no unexpected answer.
KNOWN: dict[tuple[str, str], str] = {}


def _ensure_user(live: Live, name: str, role: str, unit: str, scopes: list[str] | None = None) -> str:
    if name not in live.tokens:
        live.add_user(name, role, unit, scopes)
    return name


def _domain_reader(live: Live, domain: str) -> str:
    return _ensure_user(live, f"sec-read-{domain}", "admin", "root", [f"{domain}:read"])


class Tally:
    """Counts every combination tried and collects the unexpected ones."""

    def __init__(self, live: Live) -> None:
        self.live = live
        self.tried = 0
        self.statuses: Counter[int] = Counter()
        self.unexpected: list[str] = []
        self.clients: dict[str | None, httpx.Client] = {}

    def check(
        self, who: str | None, cell: RouteCell, url: str, ok: set[int] | None, body: dict[str, object] | None = None
    ) -> httpx.Response:
        """Send one request as who; ok=None means the anonymous rule (401 or sign-in redirect)."""
        self.tried += 1
        before = audit_seq(self.live.db)
        if who not in self.clients:  # one client per caller: building one costs a TLS context
            self.clients[who] = self.live.client(who)
        response = send(self.clients[who], cell, url, body)
        self.statuses[response.status_code] += 1
        wrote = audit_writes_since(self.live.db, before)
        good = unauthenticated_ok(cell, response) if ok is None else response.status_code in ok
        if (who or "anonymous", cell.label) in KNOWN:
            return response
        if not good or wrote:
            self.unexpected.append(
                f"{who or 'anonymous'}: {cell.method} {url} -> {response.status_code}"
                + (f" and the audit log grew ({', '.join(wrote)})" if wrote else "")
            )
        return response

    def report(self, name: str) -> str:
        """Close the clients and return a one-line summary."""
        for client in self.clients.values():
            client.close()
        return f"{name}: {self.tried} combinations, statuses {dict(sorted(self.statuses.items()))}"


def _outsider(live: Live, cell: RouteCell) -> str:
    """Return a caller that lacks the route's action: a role without it, or a token scoped to another domain."""
    lacking = cell.lacking_roles()
    if lacking:
        return lacking[0]
    other = next(d for d in action_domains() if d != cell.action.domain)
    return _domain_reader(live, other)


@pytest.mark.asvs("V8.2.1", "V8.3.1")
def test_every_route_denies_a_caller_without_its_action(live: Live) -> None:
    tally = Tally(live)
    for cell in route_cells():
        tally.check(_outsider(live, cell), cell, cell.url(), DENIED)
    print(tally.report("one caller lacking the action per route"))
    assert tally.unexpected == [], "\n".join(tally.unexpected)


@pytest.mark.asvs("V8.3.1", "V7.2.1")
def test_every_route_refuses_anonymous_and_forged_tokens(live: Live) -> None:
    tally = Tally(live)
    live.tokens.setdefault("sec-forged", "tdm_000000000000_" + "A" * 43)
    for cell in route_cells():
        tally.check(None, cell, cell.url(), None)
    for cell in route_cells()[:: 1 if _full() else 10]:
        tally.check("sec-forged", cell, cell.url(), None)
    print(tally.report("anonymous and forged token"))
    assert tally.unexpected == [], "\n".join(tally.unexpected)


def _full() -> bool:
    return os.environ.get("TANDEM_SECURITY_FULL") == "1"


@pytest.mark.authz_full
@pytest.mark.asvs("V8.2.1", "V8.3.1")
def test_every_role_without_the_action_is_denied_on_every_route(live: Live) -> None:
    tally = Tally(live)
    routes = route_cells()
    for cell in routes:
        for role in cell.lacking_roles():
            tally.check(role, cell, cell.url(), DENIED)
    print(tally.report(f"{len(routes)} routes × {len(ROLES)} roles, lacking cells"))
    assert tally.unexpected == [], "\n".join(tally.unexpected)


@pytest.mark.authz_full
@pytest.mark.asvs("V8.2.1", "V8.3.1")
def test_read_scoped_tokens_cannot_write_nor_leave_their_domain(live: Live) -> None:
    tally = Tally(live)
    for domain in action_domains():
        who = _domain_reader(live, domain)
        for cell in route_cells():
            if cell.action.domain == domain and cell.action.is_read:
                continue  # within the token's scope: allowed
            tally.check(who, cell, cell.url(), DENIED)
    print(tally.report("<domain>:read tokens outside their scope"))
    assert tally.unexpected == [], "\n".join(tally.unexpected)


@pytest.mark.authz_full
@pytest.mark.asvs("V8.2.2", "V8.4.1")
def test_objects_outside_the_callers_units_are_404_on_every_object_route(live: Live) -> None:
    tally = Tally(live)
    inconclusive: list[str] = []
    redirects = 0
    for contract in all_contracts():
        cells = [(cell, bound) for cell in route_cells() if (bound := bind_to_resource(cell, contract))]
        if not cells:
            continue
        with live.client("admin") as admin:
            created = admin.post(contract.path, json=contract.create(live, "it"))
        assert created.status_code == 201, f"{contract.name}: {created.text}"
        object_id = str(created.json()[contract.id_field])
        for cell, (values, name) in cells:
            url = cell.url({**values, name: object_id})
            body = contract.update if cell.method == "PATCH" and url.endswith(object_id) else minimal_body(cell)
            for role in sorted(cell.action.roles):
                who = _ensure_user(live, f"sec-finance-{role}", role, "finance")
                # Page forms answer a redirect carrying the error (post/redirect/get); checked as an oracle below.
                expected = {404, 422} if cell.is_api or cell.method == "GET" else {404, 422, 303}
                response = tally.check(who, cell, url, expected, body)
                if response.status_code == 422:
                    inconclusive.append(f"{cell.label} ({role})")
                if response.status_code == 303:
                    redirects += 1
                    _same_as_for_a_missing_object(tally, who, cell, url, object_id, body, response)
        with live.client("admin") as admin:
            assert admin.get(f"{contract.path}/{object_id}").status_code == 200, f"{contract.name} was changed"
    print(
        tally.report("holders scoped to a sibling unit"),
        f"; 422 before the scope check: {len(inconclusive)}",
        f"; form redirects identical to a missing object's: {redirects}",
    )
    for label in sorted({i.rsplit(" (", 1)[0] for i in inconclusive}):
        print("  validation answered first:", label)
    assert tally.unexpected == [], "\n".join(tally.unexpected)


def _same_as_for_a_missing_object(
    tally: Tally,
    who: str,
    cell: RouteCell,
    url: str,
    object_id: str,
    body: dict[str, object] | None,
    response: httpx.Response,
) -> None:
    """A form's redirect for an object outside the caller's units must match the one for no object at all."""
    missing = str(uuid.uuid4())
    other = send(tally.clients[who], cell, url.replace(object_id, missing), body)
    here = response.headers.get("location", "").replace(object_id, "<id>")
    there = other.headers.get("location", "").replace(missing, "<id>")
    if other.status_code != 303 or here != there:
        tally.unexpected.append(f"{who}: {cell.label} answers {here!r} for an outside object, {there!r} for none")
