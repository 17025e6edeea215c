"""The access domain against a real database: imports and correlation, re-import changes, who-can, the
analysis and its lifecycle, a review campaign to verified remediation, activity signals."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.access import activity, analyze, campaigns, effective, imports, reports, service
from tandem.access.models import Account, Change, Finding, Identity, ImportRun
from tandem.access.schemas import CampaignCreate, CampaignScope, CorrelateIn, DecisionIn
from tandem.platform.errors import InvalidInput
from tests.access.conftest import World
from tests.access.world import ASSIGNMENTS


def _accounts(session: Session) -> dict[str, Account]:
    return {a.external_id: a for a in session.scalars(select(Account))}


def _emp(session: Session, account: Account) -> str | None:
    ident = session.get(Identity, account.identity_id) if account.identity_id else None
    return ident.employee_id if ident else None


def test_correlation_queue_manual_links_and_reimport_changes(session: Session, world: World) -> None:
    acc = _accounts(session)
    assert (_emp(session, acc["a1"]), acc["a1"].correlation) == ("E1", "employee_id")
    assert (_emp(session, acc["a2"]), acc["a2"].correlation) == ("E2", "email")
    assert (_emp(session, acc["a3"]), acc["a3"].correlation) == ("E3", "username")  # carol = carol@…
    assert acc["a7"].identity_id is None and acc["svc1"].identity_id is None  # the queue: ghost (and the service)
    e4 = session.scalars(select(Identity).where(Identity.employee_id == "E4")).one()
    service.correlate(session, None, acc["a7"].id, CorrelateIn(identity_id=e4.id))

    changed = ASSIGNMENTS.replace("ehr,a6,clinician,2024-01-02,it,\n", "") + "ehr,a2,export,2026-11-01,it,\n"
    run = imports.import_file(session, None, "assignments", changed.encode(), "assignments-2.csv")
    imports.import_file(session, None, "accounts", _accounts_csv().encode(), "accounts.csv")
    assert run.counts["added"] == 1 and run.counts["removed"] == 1
    kinds = {(c.kind, c.subject) for c in session.scalars(select(Change).where(Change.import_id == run.id))}
    assert kinds == {("grant_added", "bbrown → Export patients"), ("grant_removed", "frank → Clinician")}
    after = _accounts(session)
    assert (_emp(session, after["a7"]), after["a7"].correlation) == ("E4", "manual")  # kept across re-imports


def test_hr_export_terminates_people_it_no_longer_lists(session: Session, world: World) -> None:
    from tests.access.world import IDENTITIES

    # Dan (E4) left: HR's next full export no longer lists him; everyone else stays.
    export = "".join(line + "\n" for line in IDENTITIES.splitlines() if not line.startswith("E4,"))
    run = imports.import_file(session, None, "identities", export.encode(), "hr-2.csv")
    dan = session.scalars(select(Identity).where(Identity.employee_id == "E4")).one()
    assert run.counts["terminated"] == 1 and dan.status == "terminated" and dan.end_date is not None
    change = session.scalars(
        select(Change).where(Change.import_id == run.id, Change.kind == "identity_terminated")
    ).one()
    assert change.subject == "E4" and "hr-2.csv" in change.detail["reason"]
    # Terminations are not repeated, and a partial file terminates no one.
    again = imports.import_file(session, None, "identities", export.encode(), "hr-3.csv")
    assert again.counts["terminated"] == 0
    only_alice = (
        "employee_id,email,display_name,department,manager_id,status,end_date\n"
        + next(line for line in IDENTITIES.splitlines() if line.startswith("E1,")).replace("E9", "")
        + "\n"
    )
    partial = imports.import_file(session, None, "identities", only_alice.encode(), "alice.csv", partial=True)
    assert "terminated" not in partial.counts
    assert session.scalars(select(Identity).where(Identity.employee_id == "E2")).one().status == "active"


def test_a_full_export_that_would_end_most_people_is_refused(session: Session, world: World) -> None:
    header = "employee_id,email,display_name,department,manager_id,status,end_date\n"
    many = header + "".join(f"N{n},n{n}@hospital.example,New {n},Clinical,,active,\n" for n in range(20))
    imports.import_file(session, None, "identities", many.encode(), "hr-big.csv", partial=True)
    with pytest.raises(InvalidInput) as caught:
        imports.import_file(
            session,
            None,
            "identities",
            (header + "N1,n1@hospital.example,New 1,Clinical,,active,\n").encode(),
            "one.csv",
        )
    assert "partial export" in caught.value.errors[0].reason and caught.value.errors[0].location == "one.csv"
    assert session.scalars(select(Identity).where(Identity.employee_id == "N2")).one().status == "active"


def _accounts_csv() -> str:
    from tests.access.world import ACCOUNTS

    return ACCOUNTS


def test_imports_are_all_or_nothing_with_located_errors(session: Session, world: World) -> None:
    before = session.scalar(select(func.count()).select_from(ImportRun))
    bad = ASSIGNMENTS + "ehr,nobody,clinician,,,\nehr,a1,no-such-role,,,\n"
    with pytest.raises(InvalidInput) as caught:
        imports.import_file(session, None, "assignments", bad.encode(), "assignments.csv")
    where = {(e.location, e.reason) for e in caught.value.errors}
    assert ("assignments.csv:13:account_id", "no such account on this system") in where
    assert ("assignments.csv:14:entitlement_id", "no such entitlement on this system") in where
    with pytest.raises(InvalidInput) as parsed:
        imports.import_file(
            session, None, "identities", b"employee_id,status,end_date\nE1,retired,\nE2,,31/12/2026\n", "hr.csv"
        )
    assert {e.location for e in parsed.value.errors} == {"hr.csv:2:status", "hr.csv:3:end_date"}
    assert session.scalar(select(func.count()).select_from(ImportRun)) == before


def test_who_can_reach_store_and_category_with_group_path(session: Session, world: World) -> None:
    by_store = effective.who_can(session, None, "EHR database")
    paths = {(r["identity"], tuple(r["path"]), r["access"]) for r in by_store["rows"]}
    assert ("Alice Adams", ("Clinician", "Read charts"), "read") in paths
    assert ("Alice Adams", ("Export patients",), "export") in paths
    assert any(r["identity"] is None and r["account"] == "ghost" for r in by_store["rows"])  # uncorrelated shows
    phi = effective.who_can(session, None, "PHI")
    assert phi["stores"][0]["name"] == "EHR database" and phi["total"] == by_store["total"] == 9
    alice = session.scalars(select(Identity).where(Identity.employee_id == "E1")).one()
    reach = effective.effective_for_identity(session, None, alice.id)
    assert {tuple(r["path"]) for r in reach["rows"]} == {
        ("Clinician",),
        ("Clinician", "Read charts"),
        ("Export patients",),
    }
    assert [s["access"] for r in reach["rows"] if r["path"] == ["Export patients"] for s in r["stores"]] == ["export"]


def test_analysis_finds_each_problem_and_resolves_fixed_ones(session: Session, world: World) -> None:
    counts = analyze.run_analysis(session)
    found = {(f.kind, f.title) for f in session.scalars(select(Finding))}
    kinds = {k for k, _ in found}
    assert {
        "orphan",
        "terminated_active",
        "dormant",
        "privileged_no_mfa",
        "excessive",
        "sod",
        "unowned_service",
    } <= kinds
    assert ("orphan", "Orphan account ghost on EHR") in found
    assert ("terminated_active", "Frank Fox is terminated but frank on EHR is still enabled") in found
    assert ("sod", "Gina Gold violates SoD rule “Vendor + payment”") in found
    excessive = session.scalars(select(Finding).where(Finding.kind == "excessive")).one()
    assert excessive.evidence["department_share"] == 0.0 and excessive.evidence["department_peers"] == 6
    assert counts["new"] == len(found)

    fixed = ASSIGNMENTS.replace("fin,f7,approve-payment,2024-01-02,it,\n", "")
    imports.import_file(session, None, "assignments", fixed.encode(), "assignments.csv")
    again = analyze.run_analysis(session)
    sod = session.scalars(select(Finding).where(Finding.kind == "sod")).one()
    assert sod.status == "resolved" and again["resolved"] == 1 and again["new"] == 0


def test_campaign_from_scope_to_verified_remediation_and_evidence(session: Session, world: World) -> None:
    analyze.run_analysis(session)
    data = CampaignCreate(
        name="PHI review",
        scope=CampaignScope(data_categories=["PHI"]),
        reviewer="manager",
        due_date=dt.date.today() + dt.timedelta(days=10),
        non_response="auto_revoke",
        org_unit_id=world.root,
    )
    camp = campaigns.create_campaign(session, None, data)
    items = {(i.context["account"], i.context["entitlement"]): i for i in campaigns.items(session, None, camp.id)}
    assert len(items) == 9 and {i.reviewer_label for i in items.values()} >= {"Mia Boss (manager)"}
    frank = items[("frank", "Clinician")]
    assert "terminated" in frank.flags and "sensitive data" in frank.flags
    with pytest.raises(InvalidInput, match="comment"):
        campaigns.decide(session, None, camp.id, DecisionIn(item_ids=[frank.id], decision="keep"))
    campaigns.decide(session, None, camp.id, DecisionIn(item_ids=[frank.id], decision="revoke"))
    plain = items[("bbrown", "Clinician")]
    campaigns.decide(session, None, camp.id, DecisionIn(item_ids=[plain.id], decision="keep"))
    assert campaigns.status(session, None, camp.id)["remediation"] == {"open": 1, "verified": 0}

    gone = ASSIGNMENTS.replace("ehr,a6,clinician,2024-01-02,it,\n", "")
    run = imports.import_file(session, None, "assignments", gone.encode(), "assignments.csv")
    assert run.counts["verified"] == 1
    campaigns.close_campaign(session, None, camp.id)
    state = campaigns.status(session, None, camp.id)
    assert state["decisions"] == {"keep": 1, "revoke": 8, "reduce": 0} and state["pending"] == 0
    assert state["remediation"] == {"open": 7, "verified": 1}

    text = reports.report_csv(session, None, camp.id)
    assert text.splitlines()[0].startswith("item_id,identity,account,system,entitlement,flags,reviewer,decision")
    assert "no response by the due date (auto-revoke)" in text
    pdf = PdfReader(io.BytesIO(reports.report_pdf(session, None, camp.id)))
    page = "".join(p.extract_text() for p in pdf.pages)
    assert "Access review: PHI review" in page and "164.308(a)(4)" in page


def test_activity_rules_raise_signals_with_evidence(session: Session, world: World) -> None:
    analyze.run_analysis(session)
    day = dt.datetime(2026, 11, 18, tzinfo=dt.UTC)  # a Wednesday
    lines = [
        {
            "time": (day + dt.timedelta(days=d, hours=10)).isoformat(),
            "identity": "E1",
            "system": "ehr",
            "action": "read",
            "object": "EHR database/patient/1",
            "records": 3,
            "country": "US",
        }
        for d in range(5)
    ]
    lines += [
        {
            "time": (day + dt.timedelta(days=5, hours=3)).isoformat(),
            "identity": "E1",
            "system": "ehr",
            "action": "export",
            "object": "EHR database/all patients",
            "records": 40000,
            "country": "US",
        },
        {
            "time": (day + dt.timedelta(days=5, hours=3, minutes=30)).isoformat(),
            "identity": "E1",
            "system": "ehr",
            "action": "login",
            "country": "BR",
        },
        {
            "time": (day + dt.timedelta(days=1)).isoformat(),
            "account": "frank",
            "system": "ehr",
            "action": "read",
            "object": "EHR database/patient/2",
            "records": 1,
        },
        {
            "time": (day + dt.timedelta(hours=9)).isoformat(),
            "identity": "E7",
            "system": "fin",
            "action": "vendor_bank_change",
            "object": "vendor:acme iban",
        },
        {
            "time": (day + dt.timedelta(days=1, hours=9)).isoformat(),
            "identity": "E7",
            "system": "fin",
            "action": "payment_approve",
            "object": "payment:9 vendor:acme",
        },
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    run = activity.import_events(session, None, data, "events.jsonl")
    kinds = {f.kind: f for f in session.scalars(select(Finding).where(Finding.kind.like("activity.%")))}
    assert {
        "activity.bulk_sensitive_read",
        "activity.off_hours_phi",
        "activity.impossible_travel",
        "activity.inactive_account",
        "activity.payment_sequence",
    } <= set(kinds)
    bulk = kinds["activity.bulk_sensitive_read"]
    assert bulk.evidence["records"] == 40000 and bulk.title.startswith("Alice Adams:")
    assert kinds["activity.payment_sequence"].severity == "critical" and run.counts["rows"] == 10
    with pytest.raises(InvalidInput) as caught:
        activity.import_events(
            session,
            None,
            b'{"time": "2026-11-20T10:00:00Z", "identity": "E1", "system": "x", "action": "read"}\n',
            "bad.jsonl",
        )
    assert caught.value.errors[0].location == "bad.jsonl:1:system"


def test_reviewers_are_users_by_email_and_others_decide_on_their_behalf(session: Session, world: World) -> None:
    from tandem.platform.auth import service as auth

    data = CampaignCreate(name="Mine", scope=CampaignScope(data_categories=["PHI"]), reviewer="manager",
                          due_date=dt.date.today() + dt.timedelta(days=10), org_unit_id=world.root)  # fmt: skip
    camp = campaigns.create_campaign(session, None, data)
    mia_user, _ = auth.create_user(session, None, "mia", email="Mia.Boss@hospital.example")
    auth.grant_role(session, None, mia_user.id, "security_analyst", world.root)
    admin_user, _ = auth.create_user(session, None, "helpdesk", email="helpdesk@hospital.example")
    auth.grant_role(session, None, admin_user.id, "security_analyst", world.root)
    session.refresh(mia_user)
    session.refresh(admin_user)
    mia, helpdesk = auth.principal_for(mia_user), auth.principal_for(admin_user)
    me = campaigns.reviewer_identity(session, mia)
    assert me is not None and me.employee_id == "E9" and campaigns.reviewer_identity(session, helpdesk) is None
    own = [i for i in campaigns.items(session, None, camp.id) if i.reviewer_id == me.id]
    assert len(own) >= 2
    campaigns.decide(session, mia, camp.id, DecisionIn(item_ids=[own[0].id], decision="revoke"))
    campaigns.decide(session, helpdesk, camp.id, DecisionIn(item_ids=[own[1].id], decision="revoke"))
    assert own[0].decided_by == "mia"
    assert own[1].decided_by == "helpdesk (on behalf of Mia Boss (manager))"
