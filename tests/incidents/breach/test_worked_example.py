"""The worked example of the design notes (§4.4), reproduced exactly, and the re-evaluation cases of the issue."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tandem.incidents.breach import Facts, Population, evaluate, shipped_rules

UTC = dt.UTC
RULES = shipped_rules()
US = frozenset({"name", "ssn"})
EU = frozenset({"email", "password"})


def example(**changes: object) -> Facts:
    """S3 export found 3 March 2025 09:00 UTC, aware the same day, breach determined 4 March."""
    facts = Facts(
        discovered_at=dt.datetime(2025, 3, 3, 9, tzinfo=UTC),
        aware_at=dt.datetime(2025, 3, 3, 9, tzinfo=UTC),
        determined_at=dt.datetime(2025, 3, 4, 9, tzinfo=UTC),
        gdpr_risk="risk",
        populations=(
            Population("US-CA", 700, US, hipaa_role="covered_entity"),
            Population("US-TX", 300, US, hipaa_role="covered_entity"),
            Population("US-NY", 150, US, hipaa_role="covered_entity"),
            Population("FR", 30, EU),
            Population("DE", 30, EU),
        ),
    )
    return dataclasses.replace(facts, **changes)  # type: ignore[arg-type]


def test_worked_example_obligations_and_deadlines() -> None:
    found = evaluate(RULES, example()).by_key()
    # No EU main establishment: CNIL and the German SA, aware + 72 h.
    for country in ("FR", "DE"):
        assert found[("eu-gdpr-33-each-sa", country)].due_at == dt.datetime(2025, 3, 6, 9, tzinfo=UTC)
    # EU data subjects only if the risk is high: it is "risk".
    assert not [k for k in found if k[0] == "eu-gdpr-34-subjects"]
    # California: ASAP, and the AG too (700 > 500).
    for key in ("us-ca-residents", "us-ca-ag"):
        assert found[(key, "US-CA")].due_at is None and found[(key, "US-CA")].asap
    # Texas AG (300 >= 250): determined 4 March + 30 days.
    assert found[("us-tx-ag", "US-TX")].due_at.date() == dt.date(2025, 4, 3)  # type: ignore[union-attr]
    assert found[("us-tx-ag", "US-TX")].rule_version == 2
    assert ("us-tx-residents", "US-TX") in found
    # New York residents and agencies: discovered 3 March + 30 days.
    for key in ("us-ny-residents", "us-ny-agencies"):
        assert found[(key, "US-NY")].due_at.date() == dt.date(2025, 4, 2)  # type: ignore[union-attr]
    # No HIPAA obligation: not PHI (even though the organisation is a covered entity).
    assert not [k for k in found if k[0].startswith("us-hipaa")]
    assert {k[0] for k in found} == {
        "eu-gdpr-33-each-sa",
        "us-ca-residents",
        "us-ca-ag",
        "us-tx-ag",
        "us-tx-residents",
        "us-ny-residents",
        "us-ny-agencies",
    }
    assert evaluate(RULES, example()).earliest_due == dt.datetime(2025, 3, 6, 9, tzinfo=UTC)


def test_lead_sa_with_an_eu_establishment_and_high_risk_subjects() -> None:
    found = evaluate(RULES, example(eu_establishment=True, gdpr_risk="high")).by_key()
    assert found[("eu-gdpr-33-lead-sa", "EU")].affected == 60
    assert ("eu-gdpr-33-each-sa", "FR") not in found
    assert found[("eu-gdpr-34-subjects", "EU")].asap


def test_california_ag_appears_when_residents_rise_from_480_to_510() -> None:
    def with_ca(n: int) -> set[tuple[str, str]]:
        pops = (Population("US-CA", n, US),)
        return set(evaluate(RULES, example(populations=pops)).by_key())

    assert ("us-ca-ag", "US-CA") not in with_ca(480)
    assert ("us-ca-ag", "US-CA") in with_ca(510)


def test_key_compromise_removes_the_encryption_safe_harbour() -> None:
    safe = (Population("US-TX", 300, US, encrypted=True),)
    assert not evaluate(RULES, example(populations=safe)).obligations
    leaked = (Population("US-TX", 300, US, encrypted=True, key_compromised=True),)
    assert {o.rule_key for o in evaluate(RULES, example(populations=leaked)).obligations} == {
        "us-tx-ag",
        "us-tx-residents",
    }


def test_phi_of_a_covered_entity_gives_hipaa_clocks_and_media_per_state() -> None:
    pops = (
        Population("US-CA", 600, frozenset({"name", "phi"}), hipaa_role="covered_entity"),
        Population("US-TX", 100, frozenset({"name", "phi"}), hipaa_role="covered_entity"),
    )
    found = evaluate(RULES, example(populations=pops)).by_key()
    assert found[("us-hipaa-individuals", "US")].due_at == dt.datetime(2025, 5, 2, 9, tzinfo=UTC)
    assert found[("us-hipaa-hhs", "US")].affected == 700
    assert ("us-hipaa-media", "US-CA") in found and ("us-hipaa-media", "US-TX") not in found
    low = evaluate(RULES, example(populations=pops, hipaa_low_probability=True)).by_key()
    assert not [k for k in low if k[0].startswith("us-hipaa")]


def test_small_hipaa_breach_goes_to_the_year_end_log() -> None:
    pops = (Population("US-CA", 40, frozenset({"name", "phi"}), hipaa_role="covered_entity"),)
    found = evaluate(RULES, example(populations=pops)).by_key()
    assert found[("us-hipaa-hhs-log", "US")].due_at == dt.datetime(2026, 3, 2, tzinfo=UTC)
    assert ("us-hipaa-hhs", "US") not in found


def test_sector_rules_and_business_days() -> None:
    facts = example(
        sectors=frozenset({"sec_registrant", "nis2_essential", "bank_regulated"}),
        material=True,
        significant_incident=True,
        notification_incident=True,
        materiality_determined_at=dt.datetime(2025, 7, 2, 15, tzinfo=UTC),
    )
    found = evaluate(RULES, facts).by_key()
    # Wednesday 2 July + 4 US business days (4 July is a holiday): Thu 3, Mon 7, Tue 8, Wed 9 → end of 9 July.
    assert found[("us-sec-8k-105", "US")].due_at == dt.datetime(2025, 7, 10, tzinfo=UTC)
    assert found[("eu-nis2-early-warning", "EU")].due_at == dt.datetime(2025, 3, 4, 9, tzinfo=UTC)
    assert found[("eu-nis2-final-report", "EU")].due_at == dt.datetime(2025, 4, 3, 9, tzinfo=UTC)
    assert found[("us-bank-regulators", "US")].due_at == dt.datetime(2025, 3, 5, 21, tzinfo=UTC)


def test_missing_clocks_count_from_discovery_and_say_so() -> None:
    found = evaluate(RULES, example(determined_at=None)).by_key()
    tx = found[("us-tx-ag", "US-TX")]
    assert tx.provisional and tx.due_at == dt.datetime(2025, 4, 2, 9, tzinfo=UTC)
    assert "counted from discovery" in tx.rationale


def test_unknown_residence_is_counted_conservatively() -> None:
    pops = (Population("US-CA", 480, US), Population("unknown", 40, US))
    found = evaluate(RULES, example(populations=pops)).by_key()
    assert found[("us-ca-ag", "US-CA")].affected == 520
    assert ("us-tx-ag", "US-TX") not in found  # 40 unknown are below the Texas threshold


def test_rule_versions_follow_the_discovery_date() -> None:
    old = example(discovered_at=dt.datetime(2023, 3, 3, 9, tzinfo=UTC), aware_at=None, determined_at=None)
    found = evaluate(RULES, old).by_key()
    assert found[("us-tx-ag", "US-TX")].rule_version == 1
    assert found[("us-ny-residents", "US-NY")].due_at is None  # before the 2024 amendment: no fixed days
    assert ("us-ny-agencies", "US-NY") not in found
