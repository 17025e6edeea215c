"""Generic suite run for every registered resource: CRUD, role × scope matrix (404 outside scope),
audit entry written, located validation errors that write nothing, token scopes."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.platform.auth.roles import ROLES
from tests.contracts.registry import ResourceContract, all_contracts
from tests.support.live import Live

CONTRACTS = all_contracts()
ids = [c.name for c in CONTRACTS]
pytestmark = pytest.mark.parametrize("contract", CONTRACTS, ids=ids)


def _create(live: Live, contract: ResourceContract, who: str = "admin", unit: str = "it") -> dict[str, Any]:
    with live.client(who) as client:
        response = client.post(contract.path, json=contract.create(live, unit))
    assert response.status_code == 201, response.text
    return response.json()


def test_crud_round_trip(live: Live, contract: ResourceContract) -> None:
    created = _create(live, contract)
    url = f"{contract.path}/{created[contract.id_field]}"
    with live.client("admin") as client:
        assert client.get(url).json() == created
        listed = client.get(contract.path, params={"limit": 500}).json()
        assert any(item[contract.id_field] == created[contract.id_field] for item in listed["items"])
        patched = client.patch(url, json=contract.update)
        assert patched.status_code == 200, patched.text
        for key, value in contract.update.items():
            assert patched.json()[key] == value
        if contract.deletable:
            assert client.delete(url).status_code == 204
            assert client.get(url).status_code == 404


@pytest.mark.asvs("V16.3.3")
def test_every_change_is_audited(live: Live, contract: ResourceContract) -> None:
    created = _create(live, contract)
    with live.client("auditor") as client:
        entries = client.get("/api/v1/audit/entries", params={"entity_id": str(created[contract.id_field])}).json()
    creates = [e for e in entries["items"] if e["action"] == "create" and e["entity_type"] == contract.entity_type]
    assert len(creates) == 1
    assert creates[0]["actor_kind"] == "token" and creates[0]["actor_label"].startswith("admin-user")


@pytest.mark.asvs("V2.2.1")
def test_invalid_input_is_located_and_writes_nothing(live: Live, contract: ResourceContract) -> None:
    payload, location = contract.invalid
    with live.client("admin") as client:
        before = client.get("/api/v1/audit/entries", params={"limit": 1, "sort": "-seq"}).json()["items"][0]["seq"]
        response = client.post(contract.path, json=payload)
        after = client.get("/api/v1/audit/entries", params={"limit": 1, "sort": "-seq"}).json()["items"][0]["seq"]
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert any(e["location"].endswith(location) for e in response.json()["errors"]), response.json()
    assert after == before


@pytest.mark.asvs("V2.2.1")
def test_unknown_fields_are_rejected(live: Live, contract: ResourceContract) -> None:
    with live.client("admin") as client:
        response = client.post(contract.path, json={**contract.create(live, "it"), "no_such_field": 1})
    assert response.status_code == 422
    assert any(e["location"].endswith("no_such_field") for e in response.json()["errors"])


@pytest.mark.asvs("V8.2.1")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_matrix(live: Live, contract: ResourceContract, role: str) -> None:
    existing = _create(live, contract)
    with live.client(role) as client:
        created = client.post(contract.path, json=contract.create(live, "it"))
        read = client.get(f"{contract.path}/{existing[contract.id_field]}")
        patched = client.patch(f"{contract.path}/{existing[contract.id_field]}", json=contract.update)
    assert created.status_code == (201 if role in contract.edit_roles else 403), created.text
    assert patched.status_code == (200 if role in contract.edit_roles else 403), patched.text
    assert read.status_code == (200 if role in contract.view_roles else 403)


@pytest.mark.asvs("V8.2.2")
def test_outside_scope_is_404_and_children_are_inside(live: Live, contract: ResourceContract) -> None:
    in_it = _create(live, contract, unit="it")
    in_payroll = _create(live, contract, unit="payroll")
    url = f"{contract.path}/{in_it[contract.id_field]}"
    with live.client("finance-admin") as client:
        assert client.get(url).status_code == 404
        assert client.patch(url, json=contract.update).status_code == 404
        if contract.deletable:
            assert client.delete(url).status_code == 404
        listed = client.get(contract.path, params={"limit": 500}).json()["items"]
        assert in_it[contract.id_field] not in {i[contract.id_field] for i in listed}
        assert client.get(f"{contract.path}/{in_payroll[contract.id_field]}").status_code == 200
    with live.client("admin") as client:
        assert client.get(url).status_code == 200  # still there: the denied writes changed nothing


@pytest.mark.asvs("V8.2.1")
def test_read_scoped_token_cannot_write(live: Live, contract: ResourceContract) -> None:
    with live.client("reader-token") as client:
        assert client.get(contract.path).status_code == 200
        assert client.post(contract.path, json=contract.create(live, "it")).status_code == 403
