"""Northwind Health's 2026 portfolio review: business fit and technical fit of its named applications. The generated
applications stay unassessed (hollow on the grid), and Salesforce CRM's scores disagree with its recorded disposition
so the review has something to look at again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.errors import NotFound
from tandem.strategy import fit

FITS: list[tuple[str, float, float, str]] = [
    ("Epic EHR", 4.5, 4.0, "Core clinical record; current release, vendor-supported, cloud move planned."),
    ("Patient Portal", 4.5, 3.5, "Patients' main channel; front end needs the accessibility rework."),
    ("Okta SSO", 4.5, 4.5, "Every workforce sign-in goes through it; modern and well run."),
    ("CrowdStrike Falcon", 4.0, 4.5, "EDR on every endpoint; renewing on a three-year term."),
    ("Billing Portal", 4.0, 2.0, "Revenue-critical but a custom PHP stack nobody wants to touch."),
    ("PACS Imaging", 4.0, 1.5, "Radiology depends on it; end-of-support OS and storage."),
    ("Workday HCM", 2.5, 4.0, "Does payroll well; no differentiation, keep as is."),
    ("SAP Finance", 2.5, 3.5, "Stable ledger; no new needs until the 2028 ERP review."),
    ("Office 365", 2.5, 4.5, "Commodity productivity suite."),
    ("ServiceNow ITSM", 2.5, 3.5, "Ticketing only; most modules unused."),
    ("Jira", 2.0, 4.0, "Used by IT projects; overlaps with ServiceNow."),
    ("Salesforce CRM", 3.5, 4.0, "Europe's referral programme grew on it: the scores now say invest, not tolerate."),
    ("EU Marketing Mailer", 1.5, 2.0, "Newsletters only; the CRM can send them."),
    ("Legacy Lab System", 2.0, 1.0, "Replaced by Epic Beaker except for two reports."),
]


def load_fits(session: Session) -> None:
    """Record the review's scores for the applications the demo inventory has."""
    for name, business, technical, rationale in FITS:
        try:
            _, app = inventory.resolve_ref(session, None, f"application:{name}")
        except NotFound:
            continue
        fit.set_fit(session, None, app.id, fit.FitInput(business, technical, rationale))
