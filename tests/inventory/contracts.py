"""The inventory's resources in the generic contract suite (tests/contracts)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.contracts.registry import ResourceContract
from tests.support.live import Live

EDITORS = frozenset({"admin", "cio", "ciso", "it_analyst", "security_analyst"})
BASE = "/api/v1/inventory"


def _n(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _unit(live: Live, unit: str) -> dict[str, str]:
    return {"org_unit_id": str(live.units[unit])}


def _relation(live: Live, unit: str) -> dict[str, Any]:
    with live.client("admin") as client:
        app = client.post(f"{BASE}/applications", json={"name": _n("app"), **_unit(live, unit)}).json()
        asset = client.post(f"{BASE}/assets", json={"hostname": _n("host"), **_unit(live, unit)}).json()
    return {
        "type": "runs_on",
        "source_kind": "application",
        "source_id": app["id"],
        "target_kind": "asset",
        "target_id": asset["id"],
        "notes": "primary",
        **_unit(live, unit),
    }


def _bad(**fields: Any) -> dict[str, Any]:
    return {"org_unit_id": str(uuid.uuid4()), **fields}


def _contract(name: str, table: str, create: Any, update: dict[str, Any], invalid: tuple[dict[str, Any], str]) -> Any:
    return ResourceContract(
        name=f"inventory-{name}",
        path=f"{BASE}/{name}",
        entity_type=table,
        create=create,
        update=update,
        invalid=invalid,
        edit_roles=EDITORS,
    )


CONTRACTS: list[ResourceContract] = [
    _contract(
        "capabilities",
        "inventory_capabilities",
        lambda u, k: {"name": _n("Patient care"), "strategic_importance": "high", **_unit(u, k)},
        {"description": "Everything about patient care"},
        (_bad(name="x", strategic_importance="huge"), "strategic_importance"),
    ),
    _contract(
        "applications",
        "inventory_applications",
        lambda u, k: {
            "name": _n("EHR"),
            "lifecycle_stage": "run",
            "time_disposition": "invest",
            "time_rationale": "core",
            # No cost: costs have their own, narrower matrix (tests/inventory/test_cost_fields*.py).
            "data_classification": "restricted",
            "confidentiality": 4,
            "mfa": True,
            **_unit(u, k),
        },
        {"time_disposition": "tolerate", "user_count": 900},
        (_bad(name="EHR", confidentiality=9), "confidentiality"),
    ),
    _contract(
        "assets",
        "inventory_assets",
        lambda u, k: {
            "hostname": _n("db"),
            "ip_addresses": ["10.0.0.5"],
            "mac_addresses": ["AA-BB-CC-DD-EE-FF"],
            "os_name": "Ubuntu",
            "os_version": "24.04",
            "tags": ["pci"],
            **_unit(u, k),
        },
        {"criticality": "critical", "environment": "staging"},
        (_bad(hostname="db1", ip_addresses=["999.1.1.1"]), "ip_addresses.0"),
    ),
    _contract(
        "software",
        "inventory_software",
        lambda u, k: {
            "name": _n("openssh"),
            "version": "9.6p1",
            "vendor": "OpenBSD",
            "cpe": "cpe:2.3:a:openbsd:openssh:9.6:p1:*:*:*:*:*:*",
            **_unit(u, k),
        },
        {"purl": "pkg:generic/openssh@9.6p1"},
        (_bad(name="openssh", cpe="cpe:/a:openbsd:openssh"), "cpe"),
    ),
    _contract(
        "data-stores",
        "inventory_data_stores",
        lambda u, k: {
            "name": _n("ehr-db"),
            "data_categories": ["health", "identity"],
            "country": "us",
            "data_subjects": ["patients"],
            "record_count": 1_200_000,
            **_unit(u, k),
        },
        {"classification": "restricted", "encrypted_at_rest": True},
        (_bad(name="x", data_categories=["horoscope"]), "data_categories.0"),
    ),
    _contract(
        "vendors",
        "inventory_vendors",
        lambda u, k: {"name": _n("Epic Systems"), "domains": ["epic.com"], "country": "US", **_unit(u, k)},
        {"services": "EHR software and hosting"},
        (_bad(name="x", domains=["not a domain"]), "domains.0"),
    ),
    _contract(
        "people",
        "inventory_people",
        lambda u, k: {"full_name": "Dana Scully", "email": f"{_n('dana')}@example.org", **_unit(u, k)},
        {"job_title": "Chief Medical Officer"},
        (_bad(full_name="x", email="not-an-email"), "email"),
    ),
    _contract(
        "relations",
        "inventory_relations",
        _relation,
        {"notes": "moved to the new cluster"},
        (
            _bad(type="runs_on", source_kind="application", target_kind="asset", target_id=str(uuid.uuid4())),
            "source_id",
        ),
    ),
]
