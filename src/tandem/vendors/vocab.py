"""Fixed vocabularies of the vendors domain: contract and agreement kinds, legal roles, tiers and cadences."""

from __future__ import annotations

from tandem.vendors.engine import flags

CONTRACT_STATUSES = ("draft", "negotiating", "signed", "terminated")
PAYMENT_SCHEDULES = ("monthly", "quarterly", "yearly", "upfront", "usage")
AGREEMENT_KINDS = ("dpa", "baa", "scc", "soc2", "iso27001", "other")
AGREEMENT_LABELS = {
    "dpa": "Data processing agreement (GDPR Art. 28)",
    "baa": "Business associate agreement (HIPAA 164.504(e))",
    "scc": "Standard contractual clauses",
    "soc2": "SOC 2 Type II report",
    "iso27001": "ISO/IEC 27001 certificate",
    "other": "Other agreement or attestation",
}
AGREEMENT_STATUSES = ("draft", "signed", "terminated")
LEGAL_ROLES = ("none", "processor", "sub-processor", "business-associate", "independent-controller")
TRANSFER_MECHANISMS = ("none", "adequacy", "scc", "bcr", "derogation")
NETWORK_ACCESS = ("none", "remote", "privileged")
TIERS = ("low", "medium", "high", "critical")
FINDING_STATUSES = ("open", "in-progress", "closed", "accepted")
SEVERITIES = ("low", "medium", "high", "critical")
ASSESSMENT_STATUSES = ("sent", "in-progress", "submitted", "reviewed", "cancelled")
DOCUMENT_KINDS = ("contract", "certificate", "evidence", "deletion-certificate", "other")

# Days between assessments by inherent tier (the reassessment cadence).
CADENCE_DAYS = {"critical": 180, "high": 365, "medium": 730, "low": 1095}
# Days a vendor gets to fix a finding, by severity.
FINDING_DAYS = {"critical": 30, "high": 60, "medium": 90, "low": 180}

# EU/EEA members and the countries the Commission found adequate (Art. 45) live with the rules.
EEA, ADEQUATE = flags.EEA, flags.ADEQUATE
