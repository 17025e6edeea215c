"""Privacy vocabulary: legal bases, statuses, the DPIA pre-screen criteria (WP248 rev.01 and Art. 35(3))."""

from __future__ import annotations

LEGAL_BASES = {
    "consent": "Art. 6(1)(a) consent",
    "contract": "Art. 6(1)(b) contract",
    "legal_obligation": "Art. 6(1)(c) legal obligation",
    "vital_interests": "Art. 6(1)(d) vital interests",
    "public_task": "Art. 6(1)(e) public task",
    "legitimate_interests": "Art. 6(1)(f) legitimate interests",
}
SPECIAL_BASES = {
    "explicit_consent": "Art. 9(2)(a) explicit consent",
    "employment": "Art. 9(2)(b) employment and social security",
    "vital_interests": "Art. 9(2)(c) vital interests",
    "health_care": "Art. 9(2)(h) health or social care",
    "public_health": "Art. 9(2)(i) public health",
    "research": "Art. 9(2)(j) archiving, research, statistics",
    "legal_claims": "Art. 9(2)(f) legal claims",
}
ROLES = ("controller", "processor", "joint_controller")
STATUSES = ("draft", "in_review", "approved", "deprecated")
DPIA_STATUSES = ("draft", "dpo_review", "signed_off", "rejected")
LEVELS = ("low", "medium", "high")
# Categories that are Art. 9/10 special or criminal data, or "highly personal" for WP248 criterion 4.
SENSITIVE = frozenset(
    {"health", "genetic", "biometric", "children", "criminal", "government-id", "financial", "payment-card", "location"}
)
SPECIAL = frozenset({"health", "genetic", "biometric", "criminal"})
VULNERABLE_SUBJECTS = frozenset({"patients", "employees", "children"})
LARGE_SCALE_RECORDS = 100_000  # a starting point for "large scale" (EDPB gives no number); the DPO decides

# WP248 rev.01 (endorsed by the EDPB): two or more → a DPIA is likely required.
CRITERIA = {
    "evaluation": "Evaluation or scoring, including profiling and predicting",
    "automated_decision": "Automated decision-making with legal or similarly significant effect",
    "systematic_monitoring": "Systematic monitoring",
    "sensitive_data": "Sensitive or highly personal data",
    "large_scale": "Data processed on a large scale",
    "matching": "Matching or combining datasets",
    "vulnerable_subjects": "Data concerning vulnerable data subjects",
    "innovative_technology": "Innovative use or applying new technological or organisational solutions",
    "prevents_rights": "Processing that prevents data subjects from exercising a right or using a service",
}
# Questions the record cannot answer; the rest are derived from it (and may be overridden).
ASKED = (
    "evaluation",
    "automated_decision",
    "systematic_monitoring",
    "innovative_technology",
    "prevents_rights",
    "public_area",
)
ART_35_3 = {
    "a": "Art. 35(3)(a) systematic and extensive evaluation with legal or similarly significant effects",
    "b": "Art. 35(3)(b) large-scale processing of special categories or criminal data",
    "c": "Art. 35(3)(c) large-scale systematic monitoring of a publicly accessible area",
}
