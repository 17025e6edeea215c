# ruff: noqa: E501 - one question per line reads better than wrapped tuples
"""Tandem's own baseline vendor questionnaire (CC BY 4.0, written for Tandem from public sources: NIST SP 800-53
SA-9/SR families, CSF 2.0 GV.SC, the HIPAA business-associate rules and GDPR Art. 28/32). Each question maps to
requirement ids of the compliance library ("800-53:SA-9", "HIPAA:164.308(b)(1)", "GDPR:Art.28")."""

from __future__ import annotations

from typing import Any

NAME = "Tandem baseline"
VERSION = "2026.1"
LICENCE = "CC BY 4.0, Tandem contributors"

# (id, section, question, control ids, weight 1–3)
# fmt: off
_Q: list[tuple[str, str, str, str, int]] = [
    ("GOV-1", "Governance", "Do you maintain an information security policy approved by management and reviewed at least yearly?", "800-53:PL-1 800-53:PM-1", 2),
    ("GOV-2", "Governance", "Is a named person accountable for information security (CISO or equivalent)?", "800-53:PM-2", 2),
    ("GOV-3", "Governance", "Do you hold a current SOC 2 Type II report or ISO/IEC 27001 certificate covering the services you provide to us?", "800-53:SA-9 800-53:SR-6", 3),
    ("GOV-4", "Governance", "Do you perform a documented information-security risk assessment at least yearly?", "800-53:RA-3 HIPAA:164.308(a)(1)(ii)(A)", 2),
    ("GOV-5", "Governance", "Do you carry cyber insurance that covers incidents affecting customer data?", "800-53:PM-9", 1),
    ("GOV-6", "Governance", "Is there an independent internal or external audit of security controls every year?", "800-53:CA-2 800-53:CA-7", 2),
    ("PRV-1", "Data protection", "Will you process personal data only on our documented instructions?", "GDPR:Art.28(3)(a)", 3),
    ("PRV-2", "Data protection", "Are everyone who processes our data bound by confidentiality obligations?", "GDPR:Art.28(3)(b) 800-53:PS-6", 2),
    ("PRV-3", "Data protection", "Will you help us answer data-subject requests (access, erasure, portability) within our deadlines?", "GDPR:Art.28(3)(e) GDPR:Art.12", 2),
    ("PRV-4", "Data protection", "At the end of the contract, will you return or delete our data and certify the deletion?", "GDPR:Art.28(3)(g) 800-53:SA-9", 3),
    ("PRV-5", "Data protection", "Is all our personal data stored and processed in the EU/EEA or under SCCs or an adequacy decision?", "GDPR:Art.44 GDPR:Art.46", 3),
    ("PRV-6", "Data protection", "Do you keep a record of processing activities for the processing you do for us?", "GDPR:Art.30(2)", 1),
    ("HIP-1", "HIPAA", "Will you sign a business associate agreement before receiving any protected health information?", "HIPAA:164.308(b)(1) HIPAA:164.504(e)", 3),
    ("HIP-2", "HIPAA", "Do you limit uses and disclosures of PHI to what the agreement permits (minimum necessary)?", "HIPAA:164.502(b) HIPAA:164.504(e)(2)", 2),
    ("HIP-3", "HIPAA", "Will you report a breach of unsecured PHI to us without unreasonable delay and within 60 days?", "HIPAA:164.410", 3),
    ("HIP-4", "HIPAA", "Do your subcontractors that handle PHI sign business associate agreements with you?", "HIPAA:164.502(e)(1)(ii) HIPAA:164.308(b)(2)", 2),
    ("HIP-5", "HIPAA", "Do you train your workforce on HIPAA privacy and security at least yearly?", "HIPAA:164.308(a)(5)(i) 800-53:AT-2", 1),
    ("IAM-1", "Access control", "Is multi-factor authentication required for every administrative and remote access?", "800-53:IA-2(1) 800-53:IA-2(2) HIPAA:164.312(d)", 3),
    ("IAM-2", "Access control", "Is access to our data granted on least privilege and reviewed at least quarterly?", "800-53:AC-6 800-53:AC-2(3) HIPAA:164.308(a)(4)", 3),
    ("IAM-3", "Access control", "Are accounts disabled within one business day when staff leave?", "800-53:PS-4 800-53:AC-2", 2),
    ("IAM-4", "Access control", "Do you support single sign-on (SAML or OIDC) for our users?", "800-53:IA-2 800-53:IA-8", 1),
    ("IAM-5", "Access control", "Are privileged sessions logged and shared administrator accounts avoided?", "800-53:AC-6(9) 800-53:IA-2(5)", 2),
    ("IAM-6", "Access control", "If you connect to our network, is the connection limited to named systems and time-bound?", "800-53:AC-17 800-53:SA-9(2)", 2),
    ("CRY-1", "Encryption", "Is our data encrypted in transit with TLS 1.2 or later?", "800-53:SC-8 HIPAA:164.312(e)(1)", 3),
    ("CRY-2", "Encryption", "Is our data encrypted at rest, including backups?", "800-53:SC-28 HIPAA:164.312(a)(2)(iv)", 3),
    ("CRY-3", "Encryption", "Are encryption keys managed in a key-management service or HSM with rotation?", "800-53:SC-12", 2),
    ("CRY-4", "Encryption", "Can we bring or hold our own encryption keys?", "800-53:SC-12(1)", 1),
    ("CRY-5", "Encryption", "Are passwords stored only as salted, slow hashes (e.g. Argon2, bcrypt)?", "800-53:IA-5(1)", 2),
    ("VUL-1", "Vulnerability management", "Do you scan your systems for vulnerabilities at least monthly?", "800-53:RA-5", 2),
    ("VUL-2", "Vulnerability management", "Are critical vulnerabilities remediated within 15 days and known-exploited ones faster?", "800-53:SI-2 800-53:RA-5", 3),
    ("VUL-3", "Vulnerability management", "Is an independent penetration test performed at least yearly, and can we see the summary?", "800-53:CA-8", 2),
    ("VUL-4", "Vulnerability management", "Are changes to production reviewed, tested and approved before release?", "800-53:CM-3", 2),
    ("VUL-5", "Vulnerability management", "Do you run endpoint detection and response on servers and workstations?", "800-53:SI-3 800-53:SI-4", 2),
    ("VUL-6", "Vulnerability management", "Are hardened configuration baselines applied and monitored for drift?", "800-53:CM-2 800-53:CM-6", 1),
    ("IR-1", "Incident response", "Do you have a tested incident-response plan?", "800-53:IR-8 800-53:IR-3 HIPAA:164.308(a)(6)", 3),
    ("IR-2", "Incident response", "Will you notify us of a personal-data breach affecting our data within 48 hours of becoming aware?", "GDPR:Art.33(2) 800-53:IR-6", 3),
    ("IR-3", "Incident response", "Are security logs centralised, protected from tampering and kept at least one year?", "800-53:AU-6 800-53:AU-9 800-53:AU-11 HIPAA:164.312(b)", 2),
    ("IR-4", "Incident response", "Is there 24×7 monitoring of security alerts?", "800-53:SI-4 800-53:IR-4", 2),
    ("IR-5", "Incident response", "Can you provide logs of access to our data on request?", "800-53:AU-2 HIPAA:164.312(b)", 1),
    ("BCP-1", "Resilience", "Do you have a business-continuity and disaster-recovery plan tested at least yearly?", "800-53:CP-2 800-53:CP-4 HIPAA:164.308(a)(7)", 3),
    ("BCP-2", "Resilience", "Are backups kept offline or immutable and restore-tested?", "800-53:CP-9 HIPAA:164.308(a)(7)(ii)(A)", 3),
    ("BCP-3", "Resilience", "Do your RTO and RPO meet those in our contract?", "800-53:CP-2(3) 800-53:CP-10", 2),
    ("BCP-4", "Resilience", "Do you run in more than one data centre or availability zone?", "800-53:CP-7", 1),
    ("BCP-5", "Resilience", "Do you publish service status and uptime against an SLA?", "800-53:SA-9", 1),
    ("SUP-1", "Supply chain", "Do you keep a current list of sub-processors and tell us before adding one?", "GDPR:Art.28(2) GDPR:Art.28(4)", 3),
    ("SUP-2", "Supply chain", "Do you assess the security of your own critical suppliers before and during the relationship?", "800-53:SR-6 800-53:SA-9", 2),
    ("SUP-3", "Supply chain", "Do your sub-processors accept data-protection terms as strict as yours with us?", "GDPR:Art.28(4)", 2),
    ("SUP-4", "Supply chain", "Can you provide a software bill of materials for software you deliver to us?", "800-53:SR-4 800-53:CM-8", 1),
    ("SUP-5", "Supply chain", "Do you verify the integrity of software and updates you ship (signing)?", "800-53:SI-7 800-53:SR-11", 2),
    ("SDL-1", "Secure development", "Do you follow a secure development lifecycle with security requirements and threat modelling?", "800-53:SA-8 800-53:SA-15", 2),
    ("SDL-2", "Secure development", "Is code reviewed and scanned (SAST/dependency scanning) before release?", "800-53:SA-11", 2),
    ("SDL-3", "Secure development", "Are production data and secrets kept out of development and test environments?", "800-53:SA-3(2) 800-53:CM-4(1)", 2),
    ("SDL-4", "Secure development", "Do you run a vulnerability-disclosure or bug-bounty programme?", "800-53:RA-5(11)", 1),
    ("SDL-5", "Secure development", "Are developers trained in secure coding at least yearly?", "800-53:SA-16 800-53:AT-3", 1),
    ("PER-1", "People and premises", "Are staff with access to our data background-checked where the law allows?", "800-53:PS-3 HIPAA:164.308(a)(3)(ii)(B)", 2),
    ("PER-2", "People and premises", "Do all staff complete security-awareness training including phishing at least yearly?", "800-53:AT-2 HIPAA:164.308(a)(5)", 2),
    ("PER-3", "People and premises", "Are data centres and offices protected by physical access control and visitor logs?", "800-53:PE-2 800-53:PE-3 HIPAA:164.310(a)(1)", 2),
    ("PER-4", "People and premises", "Are laptops and mobile devices encrypted and centrally managed?", "800-53:AC-19 800-53:SC-28 HIPAA:164.310(d)(1)", 2),
    ("PER-5", "People and premises", "Is media holding our data sanitised or destroyed with a record when retired?", "800-53:MP-6 HIPAA:164.310(d)(2)(i)", 2),
    ("PER-6", "People and premises", "Do you accept that we, or an auditor we choose, may audit your compliance with the agreement?", "GDPR:Art.28(3)(h) 800-53:SA-9", 2),
]
# fmt: on


def questions() -> list[dict[str, Any]]:
    """Return the baseline questions as questionnaire JSON (yes/no answers, weighted)."""
    return [
        {"id": qid, "section": section, "text": text, "controls": controls.split(), "weight": weight, "kind": "yes_no"}
        for qid, section, text, controls, weight in _Q
    ]
