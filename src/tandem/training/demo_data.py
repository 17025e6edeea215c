"""Northwind Health's awareness content: courses, quiz questions, policies and phishing campaign shapes."""

from __future__ import annotations

from typing import Any

LMS = "https://lms.northwind-health.example"
HIPAA_ACTIVITY = f"{LMS}/xapi/activities/hipaa-privacy-security-2026"
# Completion share per department of the annual HIPAA course; the 92 % overall figure follows from these.
HIPAA_RATES = {"Clinical": 0.75}
HIPAA_DEFAULT_RATE = 0.96
NEW_JOINERS = [("Amara", "Osei", "Clinical", "Nurse", 6), ("Lukas", "Brandt", "IT", "Engineer", 12),
               ("Sofia", "Marino", "Clinical", "Nurse", 20), ("Daniel", "Kim", "HR", "Clerk", 25)]  # fmt: skip

COURSES: list[dict[str, Any]] = [
    {"title": "HIPAA Privacy & Security Awareness 2026", "format": "link", "url": f"{LMS}/courses/hipaa-2026",
     "external_id": HIPAA_ACTIVITY, "version": "2026.1", "duration_minutes": 45, "validity_days": 365,
     "description": "Annual workforce training: PHI handling, minimum necessary, breach reporting, passwords, "
                    "phishing and device security.",
     "requirement_refs": ["hipaa-security-rule:164.308(a)(5)(i)", "nist-sp800-53:at-2", "nist-sp800-53:at-3"]},
    {"title": "Welcome to Northwind: security basics", "format": "quiz", "version": "3", "duration_minutes": 15,
     "pass_mark": 80, "description": "What every new colleague needs on day one: reporting, passwords, PHI.",
     "requirement_refs": ["nist-sp800-53:at-2"]},
    {"title": "Minimum necessary: handling PHI", "format": "link", "url": f"{LMS}/courses/phi-handling",
     "external_id": f"{LMS}/xapi/activities/phi-handling", "version": "1", "duration_minutes": 20,
     "validity_days": 730, "description": "For everyone whose accounts reach systems holding PHI.",
     "requirement_refs": ["hipaa-security-rule:164.308(a)(3)(ii)(B)"]},
    {"title": "Phishing refresher", "format": "quiz", "version": "2", "duration_minutes": 10, "validity_days": 365,
     "pass_mark": 100, "description": "Remedial training for people who clicked in two or more simulations.",
     "requirement_refs": ["nist-sp800-53:at-2"]},
]  # fmt: skip

# A document course people read and confirm from their secret link (no program assigns it in the demo).
DOCUMENT_COURSE: dict[str, Any] = {
    "title": "Clean desk and screen lock", "format": "document", "version": "1", "duration_minutes": 5,
    "validity_days": 730, "description": "Two habits that keep PHI off desks and unattended screens.",
    "requirement_refs": ["hipaa-security-rule:164.310(b)"]}  # fmt: skip
DOCUMENT_NAME = "clean-desk-and-screen-lock.txt"
DOCUMENT_TEXT = """Northwind Health - Clean desk and screen lock (version 1)

1. Lock your screen (Windows+L, Ctrl+Cmd+Q) whenever you step away, even for a minute.
2. Workstations lock themselves after 5 minutes; do not disable this.
3. Leave no patient lists, labels or printouts on desks, printers or whiteboards.
4. Put paper with PHI in the locked shredding bins, never in ordinary waste.
5. Report a lost badge, laptop or phone to the service desk at once.
"""

QUESTIONS: dict[str, list[dict[str, Any]]] = {
    "Welcome to Northwind: security basics": [
        {"prompt": "You receive an unexpected e-mail asking you to confirm your password. What do you do?",
         "choices": ["Reply with the password", "Click the link to check", "Report it with the Report Phish button"],
         "correct": [2]},
        {"prompt": "Which of these are protected health information (PHI)?",
         "choices": ["A patient's name with their diagnosis", "The cafeteria menu", "A patient's record number"],
         "correct": [0, 2]},
        {"prompt": "Where may you store patient data?", "choices": ["Personal Dropbox", "The approved EHR and shares",
                                                                 "A USB stick"], "correct": [1]},
        {"prompt": "You lost your work phone. When do you tell the service desk?",
         "choices": ["Immediately", "After a week", "Only if it had PHI"], "correct": [0]},
        {"prompt": "A good password is…", "choices": ["Your birthday", "A long passphrase unique to the account",
                                                      "Summer2026!"], "correct": [1]},
    ],
    "Phishing refresher": [
        {"prompt": "Which signs suggest a phishing e-mail?",
         "choices": ["Urgent tone and a threat", "A sender address that does not match the name",
                     "A message from a colleague you expected"], "correct": [0, 1]},
        {"prompt": "You clicked a suspicious link. What now?",
         "choices": ["Nothing", "Report it at once to the service desk", "Delete the e-mail and forget it"],
         "correct": [1]},
        {"prompt": "Hovering over a link shows…", "choices": ["Where it really goes", "Nothing useful"],
         "correct": [0]},
    ],
}  # fmt: skip

POLICIES: list[dict[str, Any]] = [
    {"title": "Acceptable Use Policy", "owner_dept": "Security", "review_in_days": 200,
     "description": "How Northwind's systems, e-mail, internet and devices may be used.",
     "versions": ["First issue.", "Adds generative-AI tools and personal devices (BYOD)."], "campaign": True},
    {"title": "Information Security Policy", "owner_dept": "Security", "review_in_days": -21,
     "description": "The security program's top-level policy, approved by the board.",
     "versions": ["First issue.", "Aligned with the 800-53 MODERATE baseline.", "Adds incident-response duties."],
     "campaign": False},
    {"title": "HIPAA Privacy Policy", "owner_dept": "Clinical", "review_in_days": 90,
     "description": "Uses and disclosures of PHI, patients' rights, the minimum-necessary standard.",
     "versions": ["Current issue."], "campaign": False},
]  # fmt: skip
# Acknowledgement share per department of the acceptable-use campaign.
ACK_RATES = {"Clinical": 0.62, "Northwind Health Europe": 0.8}
ACK_DEFAULT_RATE = 0.93

# (name, days ago, click share, report share, format) — reporting improves, clicking falls.
CAMPAIGNS = [("Q1 2026: Parcel delivery notice", 240, 0.21, 0.12, "gophish-csv"),
             ("Q2 2026: Payroll update", 150, 0.14, 0.24, "gophish-csv"),
             ("Q4 2026: EHR password expiry", 60, 0.08, 0.38, "gophish-json")]  # fmt: skip
REPEATERS = 5  # people who click in the first two campaigns (and two of them again in the third)
