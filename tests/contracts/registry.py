"""The generic contract every org-scoped REST resource gets: domains register theirs here.

A domain adds `tests/<domain>/contracts.py` defining CONTRACTS: list[ResourceContract]; this module collects
them for every domain in tandem.domains.DOMAINS, so a new resource is tested by registering one object.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tandem.domains import DOMAINS


@dataclass(frozen=True)
class ResourceContract:
    """How to exercise one resource: where it lives, how to make one in a unit, and who may do what."""

    name: str
    path: str  # e.g. /api/v1/inventory/applications
    entity_type: str  # audit entity_type (the table name)
    # (live server, unit key) -> a payload that creates the resource in that unit; it may create what the
    # resource refers to first (a relation needs two records) through live.client("admin").
    create: Callable[[Any, str], dict[str, Any]]
    update: dict[str, Any]  # a PATCH body that changes something
    invalid: tuple[dict[str, Any], str]  # (create payload, expected error location suffix)
    edit_roles: frozenset[str]
    view_roles: frozenset[str] = frozenset(
        {"admin", "cio", "ciso", "it_analyst", "security_analyst", "auditor", "viewer"}
    )
    deletable: bool = True
    id_field: str = "id"
    extra_checks: list[Callable[..., None]] = field(default_factory=list)


def _platform_contracts() -> list[ResourceContract]:
    return [
        ResourceContract(
            name="org-units",
            path="/api/v1/auth/org-units",
            entity_type="org_units",
            create=lambda live, unit: {"name": f"unit-{uuid.uuid4().hex[:8]}", "parent_id": str(live.units[unit])},
            update={"name": f"renamed-{uuid.uuid4().hex[:6]}"},
            invalid=({"name": "", "parent_id": str(uuid.uuid4())}, "name"),
            edit_roles=frozenset({"admin"}),
        )
    ]


def all_contracts() -> list[ResourceContract]:
    """Return the platform's contracts and every domain's."""
    contracts = _platform_contracts()
    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"tests.{domain}.contracts")
        except ModuleNotFoundError:
            continue
        contracts.extend(module.CONTRACTS)
    return contracts
