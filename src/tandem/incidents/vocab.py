"""The incident vocabulary: types, lifecycle, roles, timeline kinds, and the playbooks Tandem ships."""

from __future__ import annotations

from typing import Any

TYPES = {
    "ransomware": "Ransomware",
    "data_exfiltration": "Data exfiltration",
    "lost_device": "Lost or stolen device",
    "misdirected_email": "Misdirected e-mail",
    "vendor_breach": "Vendor breach",
    "account_compromise": "Account compromise",
    "insider_misuse": "Insider misuse",
    "malware": "Malware",
    "denial_of_service": "Denial of service",
    "other": "Other",
}
STATUSES = ("reported", "triage", "active", "contained", "stable", "closed")
# Each status may move forward to any later one, or back one step (re-opened triage, lost containment).
SEVERITIES = ("undetermined", "low", "medium", "high", "critical")
PRIORITIES = ("low", "medium", "high")
ROLES = {
    "commander": "Incident commander",
    "scribe": "Scribe",
    "liaison": "Communications / liaison",
    "legal": "Legal counsel",
    "privacy_officer": "Privacy officer / DPO",
    "participant": "Participant",
    "observer": "Observer",
}
EVENT_KINDS = (
    "reported",
    "detection",
    "escalation",
    "decision",
    "containment",
    "notification_sent",
    "status",
    "facts",
    "assessment",
    "task",
    "scope",
    "participant",
    "note",
    "review",
    "evidence",
)
TASK_STATUSES = ("open", "done", "cancelled")
OBLIGATION_STATUSES = ("open", "sent", "waived", "withdrawn")
DECISIONS = ("pending", "notify", "not_notify")
BREACH_TYPES = ("confidentiality", "integrity", "availability")
SCOPE_KINDS = ("asset", "application", "vendor", "data_store", "person", "account", "identity")


def _t(title: str, role: str, hours: int) -> dict[str, Any]:
    return {"title": title, "role": role, "due_hours": hours}


COMMON = [
    _t("Appoint the incident commander and scribe; open the timeline", "commander", 1),
    _t("Record discovery, awareness and determination times", "privacy_officer", 4),
    _t("Assess the breach: data categories, people by jurisdiction, encryption, risk", "privacy_officer", 24),
    _t("Decide notify / not notify and record the rationale in the breach register", "legal", 48),
]
PLAYBOOKS: dict[str, list[dict[str, Any]]] = {
    "ransomware": [
        _t("Isolate affected hosts from the network (do not power off)", "commander", 1),
        _t("Preserve evidence: memory, logs, ransom note", "scribe", 4),
        _t("Check backups are intact and offline; plan restore order by RTO", "commander", 8),
        _t("Determine whether data was exfiltrated before encryption", "commander", 24),
        _t("Notify the cyber insurer and engage outside counsel", "legal", 24),
        *COMMON,
    ],
    "data_exfiltration": [
        _t("Block the exfiltration path and rotate exposed credentials", "commander", 2),
        _t("Identify the data stores and records taken", "commander", 24),
        *COMMON,
    ],
    "lost_device": [
        _t("Remote-wipe or lock the device; confirm disk encryption status", "commander", 2),
        _t("Revoke the device's tokens and certificates", "commander", 4),
        *COMMON,
    ],
    "misdirected_email": [
        _t("Ask the recipient to delete the message and confirm in writing", "liaison", 4),
        _t("Recall the message where possible; list the attachments' data", "commander", 4),
        *COMMON,
    ],
    "vendor_breach": [
        _t("Obtain the vendor's incident report and timeline (DPA breach clause)", "liaison", 24),
        _t("List what the vendor could reach: data stores, accounts, integrations", "commander", 24),
        _t("Suspend the vendor's integrations and rotate shared secrets", "commander", 8),
        _t("Review the contract and DPA: notification duties and liability", "legal", 72),
        *COMMON,
    ],
    "account_compromise": [
        _t("Disable the account, revoke sessions and tokens, reset MFA", "commander", 1),
        _t("Review what the account accessed during the exposure window", "commander", 24),
        *COMMON,
    ],
}
