"""A reduce decision names a lesser entitlement and is verified by an import showing the swap; every import run
is in the audit chain with a digest of its changes; who-can honours the asker's units."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.access import analyze, campaigns, effective, imports
from tandem.access.models import Account, Change, Entitlement, RemediationTask
from tandem.access.schemas import CampaignCreate, CampaignScope, DecisionIn
from tandem.platform.audit.models import AuditEntry
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import Grant, Principal
from tandem.platform.errors import InvalidInput
from tests.access.conftest import World
from tests.access.world import ASSIGNMENTS
from tests.support.audit_chain import verify


def _ent(session: Session, external_id: str) -> Entitlement:
    return session.scalars(select(Entitlement).where(Entitlement.external_id == external_id)).one()


def _campaign(session: Session, world: World) -> dict[tuple[str, str], object]:
    analyze.run_analysis(session)
    data = CampaignCreate(
        name="PHI review",
        scope=CampaignScope(data_categories=["PHI"]),
        reviewer="manager",
        due_date=dt.date.today() + dt.timedelta(days=10),
        org_unit_id=world.root,
    )
    camp = campaigns.create_campaign(session, None, data)
    return {(i.context["account"], i.context["entitlement"]): i for i in campaigns.items(session, None, camp.id)}


def test_reduce_names_a_lesser_entitlement_and_is_verified_by_the_swap(session: Session, world: World) -> None:
    items = _campaign(session, world)
    bob = items[("bbrown", "Clinician")]
    camp_id = bob.campaign_id  # type: ignore[attr-defined]
    read = _ent(session, "chart-read")

    def decide(decision: str, target: uuid.UUID | None, item: object = bob) -> object:
        data = DecisionIn(item_ids=[item.id], decision=decision, comment="x", target_entitlement_id=target)  # type: ignore[arg-type, attr-defined]
        return campaigns.decide(session, None, camp_id, data)

    wrong = [
        ("reduce", _ent(session, "create-vendor").id, "same system"),
        ("reduce", _ent(session, "clinician").id, "the entitlement item 1 reviews"),
        ("reduce", uuid.uuid4(), "no such entitlement"),
        ("keep", read.id, "only a reduce decision"),
    ]
    for decision, target, why in wrong:
        with pytest.raises(InvalidInput, match=why) as caught:
            decide(decision, target)
        assert caught.value.errors[0].location == "body.target_entitlement_id"
    # Export patients does not include Clinician, but Clinician includes Read charts: not lesser than Read charts.
    alice_export = items[("alice", "Export patients")]
    decide("reduce", read.id, alice_export)
    assert alice_export.target_entitlement_id == read.id  # type: ignore[attr-defined]

    decide("reduce", read.id)
    task = session.scalars(select(RemediationTask).where(RemediationTask.item_id == bob.id)).one()  # type: ignore[attr-defined]
    assert (task.action, task.target_entitlement_id, task.status) == ("reduce", read.id, "open")

    # The role is gone but the lesser permission was not granted: not verified (access was removed, not reduced).
    removed = ASSIGNMENTS.replace("ehr,a2,clinician,2024-01-02,it,\n", "")
    run = imports.import_file(session, None, "assignments", removed.encode(), "assignments-2.csv")
    assert run.counts["verified"] == 0 and task.status == "open"
    swapped = removed + "ehr,a2,chart-read,2026-11-20,it,\n"
    run = imports.import_file(session, None, "assignments", swapped.encode(), "assignments-3.csv")
    assert run.counts["verified"] == 1 and task.status == "verified" and task.verified_by_import_id == run.id


def test_the_lesser_entitlement_cannot_include_the_reviewed_one(session: Session, world: World) -> None:
    items = _campaign(session, world)
    item = items[("alice", "Export patients")]
    wider = _ent(session, "chart-read")
    wider.includes = ["export"]  # now Read charts carries Export patients with it
    session.flush()
    data = DecisionIn(item_ids=[item.id], decision="reduce", target_entitlement_id=wider.id)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="includes the entitlement item 1 reviews"):
        campaigns.decide(session, None, item.campaign_id, data)  # type: ignore[attr-defined]


def test_every_import_run_is_in_the_audit_chain_with_a_digest_of_its_changes(session: Session, world: World) -> None:
    changed = ASSIGNMENTS.replace("ehr,a6,clinician,2024-01-02,it,\n", "") + "ehr,a2,export,2026-11-01,it,\n"
    run = imports.import_file(session, None, "assignments", changed.encode(), "assignments-2.csv")
    stored = list(session.scalars(select(Change).where(Change.import_id == run.id)))
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "access.imported", AuditEntry.entity_id == str(run.id))
    ).one()
    assert entry.changes["counts"]["added"] == 1 and entry.changes["counts"]["removed"] == 1
    recomputed = imports.changes_digest([{"kind": c.kind, "subject": c.subject, "detail": c.detail} for c in stored])
    assert len(stored) == 2 and entry.changes["changes_digest"] == recomputed
    first = session.scalars(select(AuditEntry).where(AuditEntry.action == "access.imported")).all()
    # The fixture's four files and this one: each run has its entry; the first grant load carries its digest.
    assert len(first) == 5 and any(e.changes["counts"].get("grants_digest", "").startswith("sha256:") for e in first)
    assert verify(session).ok  # this run's chain only: the data folder's exported checkpoints belong to other tests


def test_who_can_shows_only_the_holders_in_the_askers_units(session: Session, world: World) -> None:
    clinic = auth.create_unit(session, None, f"Clinic {uuid.uuid4().hex[:6]}", world.root)
    viewer = Principal(user_id=uuid.uuid4(), username="viewer", grants=(Grant("admin", clinic.id, clinic.path),))
    world.store.org_unit_id = clinic.id  # the clinic's data store; every account still belongs to the root
    session.flush()
    assert effective.who_can(session, None, "EHR database")["total"] == 9
    assert effective.who_can(session, viewer, "EHR database")["rows"] == []
    alice = session.scalars(select(Account).where(Account.external_id == "a1")).one()
    alice.org_unit_id = clinic.id
    session.flush()
    seen = effective.who_can(session, viewer, "EHR database")
    assert {tuple(r["path"]) for r in seen["rows"]} == {("Clinician", "Read charts"), ("Export patients",)}
    assert {r["account"] for r in seen["rows"]} == {"alice"} and seen["total"] == 2
