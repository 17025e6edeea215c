"""A record's page reads each linked kind's names in one statement, and its open findings in one, however many
references and relations it has: the statements a page sends do not grow with what it links to."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from tandem.platform.db.uow import Database
from tests.support.live import Live

BASE = "/api/v1/inventory"
# The application page below: the record, one names statement per linked kind (people, vendors, applications,
# assets), its relations, the impact walk, its history and the caller's authentication; 14 leaves a little room.
MOST_STATEMENTS = 14


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _made(client: httpx.Client, plural: str, body: dict[str, Any]) -> str:
    answer = client.post(f"{BASE}/{plural}", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _linked_application(live: Live) -> tuple[str, list[str]]:
    """Return an application whose three owners, vendor and relations all point at other records."""
    unit, tag = str(live.units["it"]), uuid.uuid4().hex[:8]
    with live.client("cio") as client:
        people = [
            _made(
                client,
                "people",
                {"full_name": f"Owner {n} {tag}", "email": f"o{n}-{tag}@example.org", "org_unit_id": unit},
            )
            for n in range(3)
        ]
        vendor = _made(client, "vendors", {"name": f"Vendor {tag}", "org_unit_id": unit})
        app = _made(client, "applications", {
            "name": f"Ledger {tag}", "org_unit_id": unit, "vendor_id": vendor, "business_owner_id": people[0],
            "it_owner_id": people[1], "security_owner_id": people[2],
        })  # fmt: skip
        assets = [_made(client, "assets", {"hostname": f"host-{n}-{tag}", "org_unit_id": unit}) for n in range(3)]
        for asset in assets:
            relation = {"type": "runs_on", "source_kind": "application", "source_id": app,
                        "target_kind": "asset", "target_id": asset, "org_unit_id": unit}  # fmt: skip
            _made(client, "relations", relation)
    return app, assets


def test_an_application_page_reads_each_linked_kind_once(live: Live) -> None:
    app, _ = _linked_application(live)
    with live.client("cio") as client:
        assert client.get(f"/inventory/applications/{app}").status_code == 200  # warm: principal remembered
        with _statements(live.db) as seen:
            page = client.get(f"/inventory/applications/{app}")
    assert page.status_code == 200, page.text
    assert "host-0-" in page.text and "Owner 2 " in page.text and "Vendor " in page.text
    selects = [s for s in seen if s.startswith("SELECT")]
    for table in ("inventory_people", "inventory_vendors"):
        names = [s for s in selects if s.startswith(f"SELECT {table}.id, ")]
        assert len(names) == 1, (table, names)
    assert len(seen) <= MOST_STATEMENTS, "\n".join(seen)


def test_an_asset_page_reads_its_open_findings_in_one_statement(live: Live) -> None:
    _, assets = _linked_application(live)
    with live.client("cio") as client:
        assert client.get(f"/inventory/assets/{assets[0]}").status_code == 200
        with _statements(live.db) as seen:
            assert client.get(f"/inventory/assets/{assets[0]}").status_code == 200
    assert len([s for s in seen if "vulnerabilities_findings" in s]) <= 1, seen
