"""Northwind Health's records of processing activities and one DPIA, created through the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.errors import NotFound
from tandem.privacy import dpia, service
from tandem.privacy.repository import dpia_titled
from tandem.privacy.schemas import ActivityCreate, DpiaCreate, DpiaUpdate, DpoOpinion

DPIA_TITLE = "DPIA: EHR and clinical imaging"
# The risk register's scenarios (risk's demo runs after this one) that the DPIA's risks are about.
DPIA_SCENARIOS = ("Insider snooping on patient records", "Ransomware encrypts the Epic EHR")
DPO = "Dr. Anne Keller, dpo@northwind-health.example"
CONTROLLER = "Northwind Health Inc., 100 Harbor Way, Portland OR; EU: Northwind Health Europe SAS, Lyon"
# (name, unit, purposes, basis, special basis, subjects, categories, stores, vendors, recipients, retention, screening)
ACTIVITIES: list[tuple[Any, ...]] = [
    (
        "Patient care and electronic health record",
        "Clinical",
        ["Diagnosis and treatment", "Care coordination"],
        "contract",
        "health_care",
        ["patients"],
        ["health", "identity", "contact", "government-id"],
        ["EHR database", "PACS image store", "Paediatrics share"],
        ["Epic Systems"],
        ["Treating clinicians", "Laboratories", "Insurers"],
        "Adult records 10 years after the last encounter; minors until age 28",
        {"innovative_technology": False},
    ),
    (
        "Patient portal and appointment reminders",
        "Clinical",
        ["Online appointments", "Reminders by e-mail and SMS"],
        "contract",
        "health_care",
        ["patients"],
        ["identity", "contact", "health"],
        ["EHR database"],
        ["Epic Systems", "Mailjet"],
        ["E-mail service provider"],
        "Reminders deleted after 90 days",
        {},
    ),
    (
        "EU marketing newsletter",
        "Northwind Health Europe",
        ["Newsletter about services and events"],
        "consent",
        "",
        ["prospects", "customers"],
        ["contact", "marketing"],
        ["EU marketing list"],
        ["Mailjet"],
        ["E-mail service provider"],
        "Until consent is withdrawn; inactive addresses after 3 years",
        {"evaluation": True},
    ),
    (
        "Payroll and HR administration",
        "HR",
        ["Pay salaries", "Meet tax and social-security duties"],
        "legal_obligation",
        "employment",
        ["employees"],
        ["employment", "financial", "government-id", "contact"],
        ["HR records"],
        ["Workday"],
        ["Tax authorities", "Pension funds", "Payroll processor"],
        "7 years after employment ends",
        {},
    ),
    (
        "Billing and payments",
        "Finance",
        ["Invoice patients and insurers", "Collect payments"],
        "contract",
        "",
        ["patients", "customers"],
        ["financial", "contact", "identity"],
        ["Billing database"],
        ["Stripe"],
        ["Payment processor", "Insurers"],
        "10 years (tax law)",
        {},
    ),
]


def _ids(session: Session, kind: str, names: list[str]) -> list[str]:
    out = []
    for name in names:
        try:
            _, obj = inventory.resolve_ref(session, None, f"{kind}:{name}")
        except NotFound:
            continue  # the demo inventory may not hold every record
        out.append(str(obj.id))
    return out


def load_demo(session: Session, org: Any) -> None:
    """Add five processing activities (one missing a category discovery finds) and a DPIA under DPO review."""
    made = {}
    for name, unit, purposes, basis, special, subjects, cats, stores, vendors, recipients, keep, answers in ACTIVITIES:
        made[name] = service.create_activity(
            session,
            None,
            ActivityCreate(
                name=name,
                org_unit_id=org.units[unit].id,
                role="controller",
                status="approved",
                controller=CONTROLLER,
                dpo=DPO,
                purposes=purposes,
                legal_basis=basis,
                special_basis=special,
                data_subjects=subjects,
                data_categories=cats,
                data_store_ids=_ids(session, "data_store", stores),
                vendor_ids=_ids(session, "vendor", vendors),
                recipients=recipients,
                retention=keep,
                security_measures="Encryption at rest and in transit, SSO with MFA, role-based access, audit logging",
                transfers=[
                    {
                        "country": "US",
                        "mechanism": "scc",
                        "recipient": "Northwind Health Inc.",
                        "safeguards": "SCC module 1 + supplementary measures",
                    }
                ]
                if unit == "Northwind Health Europe"
                else [],
                screening=answers,
                source="demo",
            ),
        )
    activity = made["Patient care and electronic health record"]
    assessment = dpia.create_dpia(
        session,
        None,
        DpiaCreate(
            activity_id=activity.id,
            title=DPIA_TITLE,
            description="Large-scale processing of health data of patients, including minors, across the EHR and PACS.",
            necessity="Health data is necessary for treatment (Art. 9(2)(h)); access limited to the care team.",
            risks=[
                {"risk": "Unauthorised access by staff (snooping)", "likelihood": "medium", "severity": "high"},
                {
                    "risk": "Ransomware makes records unavailable during care",
                    "likelihood": "medium",
                    "severity": "high",
                },
            ],
            measures="Break-glass auditing, quarterly access reviews, immutable offline backups, EDR on all hosts.",
        ),
    )
    dpia.update_dpia(session, None, assessment.id, DpiaUpdate(residual_risk="medium", status="dpo_review"))
    dpia.give_opinion(
        session,
        None,
        assessment.id,
        DpoOpinion(
            dpo_name="Dr. Anne Keller", opinion="Measures are proportionate; review the snooping controls in 6 months."
        ),
    )


def link_demo(session: Session, org: Any) -> None:
    """Link the demo DPIA to the risk scenarios its risks describe, once every domain's demo has run."""
    found = dpia_titled(session, DPIA_TITLE)
    if found is None:
        return
    by_title = {label: sid for sid, label in dpia.scenario_choices(session, None)}
    ids = [by_title[t] for t in DPIA_SCENARIOS if t in by_title]
    if ids:
        dpia.update_dpia(session, None, found.id, DpiaUpdate.model_validate({"risk_scenario_ids": ids}))
