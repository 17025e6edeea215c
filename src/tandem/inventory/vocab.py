"""Controlled vocabularies of the inventory: lifecycle, TIME, classification, the data-category taxonomy."""

from __future__ import annotations

LIFECYCLE_STAGES = ("plan", "build", "run", "retire")
TIME_DISPOSITIONS = ("tolerate", "invest", "migrate", "eliminate")
HOSTING = ("on-prem", "iaas", "saas")
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
ASSET_KINDS = ("host", "network-device", "cloud-resource", "endpoint")
ENVIRONMENTS = ("production", "staging", "test", "development")
CRITICALITY = ("low", "medium", "high", "critical")
IMPORTANCE = ("low", "medium", "high", "critical")
DATA_STORE_KINDS = ("database", "file-share", "object-bucket", "saas", "spreadsheet")
EMPLOYMENT_STATUS = ("active", "leave", "contractor", "terminated")

# Personal and business data categories: (code, label, group). Special categories follow GDPR art. 9.
DATA_CATEGORIES: dict[str, tuple[str, str]] = {
    "contact": ("Contact details", "personal"),
    "identity": ("Identity (name, date of birth)", "personal"),
    "government-id": ("Government identifiers (SSN, passport)", "personal"),
    "financial": ("Financial account data", "personal"),
    "payment-card": ("Payment card data (PCI)", "personal"),
    "health": ("Health data / PHI", "special"),
    "genetic": ("Genetic data", "special"),
    "biometric": ("Biometric data", "special"),
    "credentials": ("Credentials and secrets", "security"),
    "location": ("Location data", "personal"),
    "online-identifiers": ("Online identifiers (IP, cookies)", "personal"),
    "employment": ("Employment and HR records", "personal"),
    "children": ("Children's data", "special"),
    "criminal": ("Criminal convictions", "special"),
    "marketing": ("Marketing preferences", "personal"),
    "business-confidential": ("Business confidential", "business"),
    "intellectual-property": ("Intellectual property", "business"),
    "operational": ("Operational data", "business"),
}
DATA_SUBJECTS = ("patients", "employees", "customers", "contractors", "prospects", "children", "suppliers", "public")
