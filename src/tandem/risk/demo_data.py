"""Northwind Health's risk scenarios: realistic ranges for a 1,200-person US/EU healthcare provider."""

from __future__ import annotations

from typing import Any


def P(lo: float, mode: float, hi: float) -> dict[str, Any]:
    """Return a beta-PERT estimate."""
    return {"type": "pert", "min": lo, "mode": mode, "max": hi}


def LN(lo: float, hi: float) -> dict[str, Any]:
    """Return a lognormal estimate from a 90 % interval."""
    return {"type": "lognormal90", "low": lo, "high": hi}


PROD, RESP, REPL, FINES, COMP, REP = (
    "productivity", "response", "replacement", "fines_and_judgements", "competitive_advantage", "reputation"
)  # fmt: skip

# (title, unit, threat community, threat event, loss types, likelihood, impact, status, targets, FAIR inputs)
SCENARIOS: list[tuple[str, str, str, str, list[str], int, int, str, list[str], dict[str, Any]]] = [
    ("Ransomware encrypts the Epic EHR", "Clinical", "Cyber criminals", "Ransomware", [PROD, RESP, REPL, REP], 3, 5,
     "assessed", ["application:Epic EHR", "data_store:EHR database", "vendor:Epic Systems"],
     {"tef": P(0.5, 2, 6), "vulnerability": P(0.05, 0.15, 0.35), "primary_loss": LN(800_000, 9_000_000),
      "secondary_probability": P(0.3, 0.6, 0.9), "secondary_loss": LN(500_000, 12_000_000)}),
    ("PHI exfiltration by a billing-services vendor", "Finance", "Third parties and vendors", "Data exfiltration",
     [RESP, FINES, REP], 2, 5, "identified", ["vendor:Stripe", "data_store:Billing database"],
     {"lef": P(0.02, 0.08, 0.3), "primary_loss": LN(150_000, 1_500_000), "secondary_probability": P(0.5, 0.8, 1),
      "secondary_loss": LN(1_000_000, 25_000_000)}),
    ("Card data theft from the Billing Portal", "Finance", "Cyber criminals", "Data exfiltration",
     [RESP, REPL, FINES, REP], 3, 4, "treated", ["application:Billing Portal", "data_store:Billing database"],
     {"contact_frequency": P(50, 200, 600), "probability_of_action": P(0.002, 0.008, 0.02), "tcap": P(40, 65, 95),
      "rs": P(50, 70, 85), "primary_loss": LN(100_000, 1_200_000), "secondary_probability": P(0.4, 0.7, 0.95),
      "secondary_loss": LN(300_000, 6_000_000)}),
    ("BEC wire fraud against accounts payable", "Finance", "Cyber criminals", "Business e-mail compromise",
     [RESP, REPL], 4, 3, "assessed", ["application:SAP Finance", "application:Office 365"],
     {"tef": P(4, 12, 30), "vulnerability": P(0.02, 0.05, 0.12), "primary_loss": LN(40_000, 900_000)}),
    ("Insider snooping on patient records", "Clinical", "Malicious insiders", "Unauthorised access (snooping)",
     [RESP, FINES, REP], 4, 3, "assessed", ["application:Epic EHR", "data_store:EHR database"],
     {"lef": P(1, 4, 12), "primary_loss": P(5_000, 20_000, 80_000), "secondary_probability": P(0.05, 0.15, 0.4),
      "secondary_loss": LN(50_000, 1_500_000)}),
    ("Misconfigured EU marketing bucket exposes prospects", "Northwind Health Europe", "Careless insiders",
     "Misconfiguration exposure", [RESP, FINES, REP], 3, 3, "identified",
     ["data_store:EU marketing list", "application:EU Marketing Mailer", "vendor:Mailjet"],
     {"lef": P(0.05, 0.2, 0.6), "primary_loss": LN(20_000, 250_000), "secondary_probability": P(0.3, 0.6, 0.9),
      "secondary_loss": LN(100_000, 4_000_000)}),
    ("Okta SSO credential stuffing takeover", "Security", "Cyber criminals", "Credential theft", [RESP, PROD, REP],
     3, 4, "treated", ["application:Okta SSO", "vendor:Okta"],
     {"tef": P(20, 60, 200), "vulnerability": P(0.002, 0.01, 0.04), "primary_loss": LN(50_000, 800_000)}),
    ("PACS imaging outage from unpatched legacy OS", "Clinical", "System and process failure", "Outage",
     [PROD, REPL], 3, 3, "identified", ["application:PACS Imaging", "data_store:PACS image store",
                                          "vendor:Philips Healthcare"],
     {"lef": P(0.3, 1, 3), "primary_loss": LN(30_000, 600_000)}),
    ("Legacy Lab System compromise via exposed service", "Clinical", "Cyber criminals",
     "Unauthorised access (snooping)",
     [PROD, RESP, FINES], 3, 4, "assessed", ["application:Legacy Lab System"],
     {"tef": P(1, 3, 10), "tcap": P(30, 60, 90), "rs": P(20, 35, 55), "primary_loss": LN(60_000, 1_200_000),
      "secondary_probability": P(0.2, 0.4, 0.7), "secondary_loss": LN(200_000, 3_000_000)}),
    ("Patient Portal account takeover", "Clinical", "Cyber criminals", "Credential theft", [RESP, FINES, REP], 4, 2,
     "assessed", ["application:Patient Portal"],
     {"lef": P(2, 6, 20), "primary_loss": P(2_000, 8_000, 40_000), "secondary_probability": P(0.01, 0.05, 0.15),
      "secondary_loss": LN(50_000, 800_000)}),
    ("Lost unencrypted laptop with PHI", "Clinical", "Careless insiders", "Lost or stolen device", [REPL, RESP, FINES],
     4, 2, "treated", ["data_store:Paediatrics share"],
     {"lef": P(1, 3, 8), "primary_loss": P(2_000, 5_000, 15_000), "secondary_probability": P(0.05, 0.2, 0.5),
      "secondary_loss": LN(40_000, 900_000)}),
    ("HR records leak through Workday misconfiguration", "HR", "Careless insiders", "Misconfiguration exposure",
     [RESP, FINES, REP], 2, 3, "identified", ["application:Workday HCM", "data_store:HR records", "vendor:Workday"],
     {"lef": P(0.02, 0.1, 0.3), "primary_loss": LN(30_000, 300_000), "secondary_probability": P(0.3, 0.5, 0.8),
      "secondary_loss": LN(100_000, 2_000_000)}),
    ("Password vault breach", "Security", "Nation-state actors", "Credential theft", [RESP, REPL, PROD, REP], 1, 5,
     "assessed", ["data_store:Password vault"],
     {"lef": P(0.005, 0.02, 0.08), "primary_loss": LN(300_000, 5_000_000), "secondary_probability": P(0.2, 0.5, 0.8),
      "secondary_loss": LN(500_000, 10_000_000)}),
    ("DDoS takes the Patient Portal offline", "IT", "Hacktivists", "Denial of service", [PROD, RESP], 3, 2,
     "accepted", ["application:Patient Portal"],
     {"tef": P(0.5, 2, 6), "vulnerability": P(0.2, 0.4, 0.7), "primary_loss": P(5_000, 25_000, 150_000)}),
    ("Office 365 mailbox compromise leaks PHI", "IT", "Cyber criminals", "Business e-mail compromise",
     [RESP, FINES, REP], 4, 3, "assessed", ["application:Office 365", "vendor:Microsoft"],
     {"tef": P(10, 30, 80), "vulnerability": P(0.01, 0.03, 0.08), "primary_loss": P(10_000, 40_000, 200_000),
      "secondary_probability": P(0.1, 0.3, 0.6), "secondary_loss": LN(50_000, 1_000_000)}),
    ("Finance ledger tampering by a privileged insider", "Finance", "Malicious insiders", "Fraud", [REPL, RESP], 2, 4,
     "identified", ["data_store:Finance ledger", "application:SAP Finance"],
     {"lef": P(0.02, 0.05, 0.2), "primary_loss": LN(50_000, 2_000_000)}),
    ("Backup vendor loses archived tapes", "IT", "Third parties and vendors", "Data exfiltration", [RESP, FINES, REP],
     1, 4, "identified", ["vendor:Iron Mountain"],
     {"lef": P(0.01, 0.03, 0.1), "primary_loss": LN(50_000, 600_000), "secondary_probability": P(0.4, 0.7, 1),
      "secondary_loss": LN(300_000, 8_000_000)}),
    ("Salesforce CRM data scraped via stolen API token", "Northwind Health Europe", "Cyber criminals",
     "Data exfiltration", [RESP, FINES, COMP], 2, 3, "identified", ["application:Salesforce CRM", "vendor:Salesforce"],
     {"lef": P(0.05, 0.15, 0.5), "primary_loss": LN(20_000, 300_000), "secondary_probability": P(0.3, 0.5, 0.8),
      "secondary_loss": LN(100_000, 3_000_000)}),
    ("AWS region outage stops cloud workloads", "IT", "Natural and environmental", "Outage", [PROD], 2, 3, "accepted",
     ["vendor:Amazon Web Services"],
     {"lef": P(0.1, 0.3, 1), "primary_loss": LN(20_000, 400_000)}),
    ("Clinician phishing leads to EHR credential theft", "Clinical", "Cyber criminals", "Credential theft",
     [RESP, FINES, REP], 4, 4, "treated", ["application:Epic EHR", "application:Okta SSO"],
     {"contact_frequency": P(200, 800, 2_000), "probability_of_action": P(0.02, 0.05, 0.1),
      "vulnerability": P(0.005, 0.02, 0.05), "primary_loss": LN(20_000, 400_000),
      "secondary_probability": P(0.2, 0.4, 0.7), "secondary_loss": LN(100_000, 3_000_000)}),
]  # fmt: skip

# (scenario title, kind, title, status, effect, annual cost)
TREATMENTS: list[tuple[str, str, str, str, dict[str, float], float]] = [
    ("Ransomware encrypts the Epic EHR", "mitigate", "Immutable offline backups and EDR everywhere", "in-progress",
     {"vulnerability_factor": 0.5, "primary_loss_factor": 0.5}, 350_000),
    ("Ransomware encrypts the Epic EHR", "transfer", "Cyber insurance (5 M limit)", "implemented",
     {"loss_cap": 5_000_000}, 180_000),
    ("Card data theft from the Billing Portal", "mitigate", "WAF and tokenised card vault", "implemented",
     {"rs_shift": 15}, 120_000),
    ("BEC wire fraud against accounts payable", "mitigate", "Call-back verification for new payees", "planned",
     {"vulnerability_factor": 0.3}, 25_000),
    ("Insider snooping on patient records", "mitigate", "Break-the-glass monitoring in Epic", "proposed",
     {"tef_factor": 0.5}, 60_000),
    ("DDoS takes the Patient Portal offline", "accept", "Accept DDoS downtime risk until the CDN migration", "proposed",
     {}, 0),
    ("AWS region outage stops cloud workloads", "accept", "Accept single-region risk for non-clinical workloads",
     "proposed", {}, 0),
]  # fmt: skip
