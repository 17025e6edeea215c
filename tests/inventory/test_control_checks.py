"""The inventory's control checks on real records: owners of assets and applications, protected stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service
from tandem.inventory.kinds import KINDS
from tandem.platform.checks import CheckOutcome, CheckRun, get_check
from tandem.platform.db.types import utcnow
from tests.inventory.conftest import Org


def make(session: Session, plural: str, **values: Any) -> Any:
    kind = KINDS[plural]
    return service.create_record(session, None, kind, kind.create.model_validate(values))


def check(session: Session, name: str, org: Org, **params: Any) -> CheckOutcome:
    spec = get_check(name)
    return spec.run(CheckRun(session, spec.resolve_params(params), frozenset({org.it}), utcnow()))


def test_assets_and_applications_need_an_owner(session: Session, org: Org) -> None:
    owner = make(session, "people", full_name="Olga Owner", email="olga@example.org", org_unit_id=org.it)
    make(session, "assets", hostname="owned-1", owner_id=owner.id, org_unit_id=org.it)
    make(session, "applications", name="Owned app", it_owner_id=owner.id, org_unit_id=org.it)
    make(session, "assets", hostname="elsewhere-1", org_unit_id=org.finance)  # outside the control's scope
    ok = check(session, "inventory.assets_have_owner", org)
    assert (ok.passed, ok.examined, ok.failing) == (True, 2, 0)
    assert ok.summary == "all 2 assets and applications have an owner"

    make(session, "applications", name="Orphan app", org_unit_id=org.it)
    bad = check(session, "inventory.assets_have_owner", org)
    assert (bad.passed, bad.examined, bad.failing) == (False, 3, 1)
    assert bad.rows[0][:2] == ["application", "Orphan app"]  # failing rows first
    assert [r[3] or r[4] for r in bad.rows[1:]] == ["Olga Owner", "Olga Owner"]
    assert len(bad.columns) == len(bad.rows[0])


def test_restricted_stores_need_owner_and_encryption(session: Session, org: Org) -> None:
    owner = make(session, "people", full_name="Dana Data", email="dana@example.org", org_unit_id=org.it)
    make(session, "data-stores", name="Vault", classification="restricted", owner_id=owner.id,
         encrypted_at_rest=True, org_unit_id=org.it)  # fmt: skip
    make(session, "data-stores", name="Wiki", classification="internal", org_unit_id=org.it)
    ok = check(session, "inventory.restricted_stores_protected", org)
    assert (ok.passed, ok.examined) == (True, 1)

    make(session, "data-stores", name="Lab share", classification="restricted", org_unit_id=org.it)
    bad = check(session, "inventory.restricted_stores_protected", org)
    assert (bad.passed, bad.failing) == (False, 1)
    assert bad.rows[0][0] == "Lab share" and bad.rows[0][3] == "no owner; not encrypted at rest"
    # The classification is a parameter: internal stores are not required to be encrypted here either.
    assert not check(session, "inventory.restricted_stores_protected", org, classification="internal").passed
