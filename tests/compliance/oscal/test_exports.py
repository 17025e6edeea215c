"""OSCAL builders for assessment-results, POA&M and component-definition validate against 1.2.3."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.compliance.content.nist import resolve_baseline
from tandem.compliance.oscal import (
    AssessmentRun,
    Component,
    ControlFinding,
    Evidence,
    Implementation,
    Milestone,
    Observation,
    PoamEntry,
    assessment_skeleton,
    build_assessment_results,
    build_component_definition,
    build_poam,
    validate_document,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_assessment_results_are_valid() -> None:
    seen = Observation(
        "MFA is enforced for all users",
        NOW,
        ("EXAMINE", "TEST"),
        evidence=(Evidence("https://evidence.example/1", "IdP policy"),),
    )
    run = AssessmentRun(
        "Q1 assessment",
        "Quarterly review",
        NOW,
        (ControlFinding("ia-2", True, "Enforced", (seen,)), ControlFinding("ac-2", False, "Stale accounts")),
        end=NOW + timedelta(hours=2),
    )
    doc = build_assessment_results("Q1 2026", [run], "#plan")
    assert validate_document(doc) == []
    findings = doc["assessment-results"]["results"][0]["findings"]
    assert [f["target"]["status"]["state"] for f in findings] == ["satisfied", "not-satisfied"]
    assert findings[0]["target"]["target-id"] == "ia-2_obj"


def test_poam_is_valid_and_links_items_to_findings_and_risks() -> None:
    entry = PoamEntry(
        "Stale accounts",
        "Accounts of leavers remain active",
        "ac-2",
        "Former staff could sign in",
        status="remediating",
        deadline=NOW + timedelta(days=90),
        remediation="Automate deprovisioning",
        milestones=(Milestone("Connect HR feed", NOW + timedelta(days=30)),),
    )
    doc = build_poam("POA&M", [entry], system_id="7c9e6679-7425-40de-944b-e07fc1f90ae7")
    assert validate_document(doc) == []
    body = doc["plan-of-action-and-milestones"]
    assert body["poam-items"][0]["related-risks"][0]["risk-uuid"] == body["risks"][0]["uuid"]


def test_component_definition_is_valid() -> None:
    okta = Component(
        "Identity provider",
        "SSO and MFA",
        "#sp800-53",
        (Implementation("ia-2", "Phishing-resistant MFA"),),
        type="service",
    )
    assert validate_document(build_component_definition("Vendor statements", [okta])) == []


def test_moderate_assessment_skeleton_has_one_record_per_control() -> None:
    records = assessment_skeleton(resolve_baseline("MODERATE"))
    assert len(records) == 287
    assert records[0].control_id == "ac-1" and records[0].label == "AC-1" and records[0].status == "not-assessed"
