"""An asset's declared services as a field: what a person types (`443/tcp https tls`), located errors, the API,
the web form and detail page, CSV import, `tandem inventory services`, and the migration that reads old tags."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.inventory import service
from tandem.inventory.kinds import KINDS
from tandem.inventory.models import Asset
from tandem.inventory.validators import ServiceSpec, check_service, parse_service
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db import migrate
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput
from tests.inventory.test_cli import env, run  # noqa: F401 - the module-scoped CLI environment
from tests.support.databases import PG_ENV, drop_database, new_database
from tests.support.live import Live

BASE = "/api/v1/inventory"


@pytest.mark.parametrize(("typed", "canonical"), [
    ("443/tcp https tls", "443/tcp https tls"), ("443", "443/tcp"), ("22 ssh", "22/tcp ssh"),
    ("53/UDP dns", "53/udp dns"), ("8443/tls", "8443/tcp tls"), ("  25/tcp   plain smtp ", "25/tcp smtp plain"),
])  # fmt: skip
def test_services_are_read_as_people_type_them(typed: str, canonical: str) -> None:
    assert check_service(typed) == canonical
    assert parse_service(canonical) == parse_service(typed)


def test_bad_services_say_what_is_wrong() -> None:
    assert parse_service("443/tcp https tls") == ServiceSpec(443, "tcp", "https", True)
    for typed, says in (("https", "is not PORT"), ("0/tcp", "between 1 and 65535"), ("70000", "between 1"),
                        ("443/icmp", "unknown transport"), ("53/udp dns tls", "tcp services only"),
                        ("443/tcp https tls extra", "'extra'"), ("", "is not PORT")):  # fmt: skip
        with pytest.raises(ValueError, match=says):
            parse_service(typed)


def test_create_and_update_validate_every_service_with_its_place(session: Session) -> None:
    kind = KINDS["assets"]
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    with pytest.raises(InvalidInput) as err:
        service.validate_input(kind.create, {"hostname": "h1", "org_unit_id": root.id,
                                             "declared_services": ["443/tcp", "ssh"]}, "body")  # fmt: skip
    assert [e.location for e in err.value.errors] == ["body.declared_services.1"]
    with pytest.raises(InvalidInput) as err:
        service.validate_input(kind.create, {"hostname": "h1", "org_unit_id": root.id,
                                             "declared_services": ["443", "443/tcp tls"]}, "body")  # fmt: skip
    assert "declared twice" in err.value.errors[0].reason
    data = {"hostname": f"web-{uuid.uuid4().hex[:6]}", "org_unit_id": root.id, "declared_services": ["443 https"]}
    made = service.create_record(session, CONSOLE, kind, kind.create.model_validate(data))
    assert made.declared_services == ["443/tcp https"]
    service.update_record(session, CONSOLE, kind, made.id, kind.update.model_validate({"tags": ["dmz"]}))
    assert made.declared_services == ["443/tcp https"]  # a partial edit keeps them


def test_api_web_and_import(live: Live) -> None:
    unit = str(live.units["it"])
    with live.client("it_analyst") as client:
        bad = client.post(f"{BASE}/assets", json={"hostname": f"a-{uuid.uuid4().hex[:6]}", "org_unit_id": unit,
                                                  "declared_services": ["443/tcp", "22/ftp"]})  # fmt: skip
        assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "body.declared_services.1", bad.text
        made = client.post(f"{BASE}/assets", json={"hostname": f"a-{uuid.uuid4().hex[:6]}", "org_unit_id": unit,
                                                   "declared_services": ["443/tcp https tls"]}).json()  # fmt: skip
        patched = client.patch(f"{BASE}/assets/{made['id']}", json={"declared_services": ["22 ssh", "443/tls"]})
        assert patched.json()["declared_services"] == ["22/tcp ssh", "443/tcp tls"], patched.text
        host = f"imp-{uuid.uuid4().hex[:6]}"
        body = f"hostname,declared_services\n{host},443/tcp https tls;53/udp dns\nbad-{host},80/tcp;x y z\n".encode()
        params = {"kind": "assets", "file_name": "s.csv", "unit_id": unit}
        refused = client.post(f"{BASE}/imports", params=params, content=body)
        assert refused.status_code == 422 and refused.json()["errors"][0]["location"] == "s.csv:3:2", refused.text
        done = client.post(f"{BASE}/imports", params=params, content=body.rsplit(b"\nbad-", 1)[0] + b"\n")
        assert done.json()["added"] == 1, done.text
        found = client.get(f"{BASE}/assets", params={"q": host}).json()["items"][0]
        assert found["declared_services"] == ["443/tcp https tls", "53/udp dns"]
    web = live.login("admin-user")
    form = web.get("/inventory/assets/new").text
    assert "e.g. 443/tcp https tls" in form
    csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": csrf, "hostname": f"w-{uuid.uuid4().hex[:6]}", "org_unit_id": unit,
            "declared_services": "443/tcp https tls; 22/tcp tls ssh plain"}  # fmt: skip
    wrong = web.post("/inventory/assets/new", data=data)
    assert wrong.status_code == 422 and 'id="e-declared_services"' in wrong.text and "item 2" in wrong.text
    saved = web.post("/inventory/assets/new", data={**data, "declared_services": "443/tcp https tls; 22 ssh"})
    assert saved.status_code == 303, saved.text
    detail = web.get(saved.headers["location"].split("?", 1)[0]).text
    assert "Declared services" in detail and "443/tcp https tls, 22/tcp ssh" in detail


def test_cli_shows_sets_and_clears(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    assets = tmp_path / "a.csv"
    assets.write_text("hostname,declared_services\nmail01,25/tcp smtp\n")
    assert run(env, "import", str(assets), "--kind", "assets").returncode == 0
    shown = run(env, "services", "mail01")
    assert shown.returncode == 0 and "25/tcp smtp" in shown.stdout, shown.stderr
    set_ = run(env, "services", "asset:mail01", "25/tcp smtp", "993/tcp imaps tls")
    assert set_.returncode == 0 and "993/tcp imaps tls" in set_.stdout, set_.stderr
    bad = run(env, "services", "mail01", "993/tcp", "imaps")
    assert bad.returncode != 0 and "spec.declared_services.1" in bad.stderr
    cleared = run(env, "services", "mail01", "--clear")
    assert "no declared service" in cleared.stdout


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migration_moves_service_tags_into_the_field(backend: str, tmp_path: Path) -> None:
    if backend == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    database, handle = new_database(backend, tmp_path)
    try:
        with unit_of_work(database) as session:
            root = auth.create_unit(session, None, "Acme", None)
            kind = KINDS["assets"]
            tags = ["dmz", "service:443/tls", "service:22/tcp", "service:8080", "service:99999"]
            service.create_record(session, None, kind, kind.create.model_validate(
                {"hostname": "old01", "org_unit_id": root.id, "tags": tags}))  # fmt: skip
        migrate.downgrade(database.engine, "0002_inventory_list_indexes")  # to before the move
        migrate.upgrade(database.engine)
        with unit_of_work(database, readonly=True) as session:
            asset = session.scalars(select(Asset).where(Asset.hostname == "old01")).one()
            assert asset.declared_services == ["443/tcp tls", "22/tcp plain", "8080/tcp"]
            assert asset.tags == tags  # kept: a downgrade loses nothing
    finally:
        drop_database(database, handle)
