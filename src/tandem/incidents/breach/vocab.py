"""The shared vocabulary of rule expressions: data elements (with fideslang keys), group and incident flags."""

from __future__ import annotations

from tandem.platform.geo import EEA as EEA  # the residence set GDPR rules use, shared with vendors

# element -> (label, fideslang data category key); RoPA, discovery and breach triggers share these keys.
ELEMENTS: dict[str, tuple[str, str]] = {
    "name": ("Name", "user.name"),
    "email": ("E-mail address", "user.contact.email"),
    "phone": ("Phone number", "user.contact.phone_number"),
    "address": ("Postal address", "user.contact.address"),
    "dob": ("Date of birth", "user.demographic.date_of_birth"),
    "ssn": ("Social Security number", "user.government_id.national_identification_number"),
    "drivers_license": ("Driver's licence number", "user.government_id.drivers_license_number"),
    "passport": ("Passport number", "user.government_id.passport_number"),
    "government_id": ("Other government identifier", "user.government_id"),
    "account_number": ("Financial account number", "user.financial.bank_account"),
    "card_number": ("Payment card number", "user.financial.credit_card"),
    "access_code": ("Security or access code, PIN", "user.authorization.credentials"),
    "username": ("User name", "user.account.username"),
    "password": ("Password or password hash", "user.authorization.password"),
    "medical": ("Medical information", "user.health_and_medical"),
    "health_insurance": ("Health insurance information", "user.health_and_medical.insurance_beneficiary_id"),
    "phi": ("Protected health information (HIPAA)", "user.health_and_medical"),
    "biometric": ("Biometric data", "user.biometric"),
    "genetic": ("Genetic data", "user.health_and_medical.genetic"),
    "ip_address": ("IP address", "user.device.ip_address"),
    "location": ("Precise location", "user.location.precise"),
}

# Per group of people (one data set, one jurisdiction, one combination of elements).
GROUP_FLAGS = {
    "any_personal_data": "the records hold any personal data element",
    "encrypted": "the data set was encrypted",
    "key_compromised": "the encryption key was (or may have been) taken too",
    "controller": "the organisation is the GDPR controller of the data set",
    "processor": "the organisation is a GDPR processor of the data set",
    "covered_entity": "the organisation is a HIPAA covered entity for the data set",
    "business_associate": "the organisation is a HIPAA business associate for the data set",
}

# Per incident.
INCIDENT_FLAGS = {
    "eu_establishment": "the organisation has an EU main establishment (one lead supervisory authority)",
    "nis2_essential": "NIS2 essential entity",
    "nis2_important": "NIS2 important entity",
    "sec_registrant": "US SEC registrant (Form 8-K filer)",
    "glba_financial_institution": "non-bank financial institution under the FTC Safeguards Rule",
    "bank_regulated": "banking organisation under the US computer-security incident notification rule",
    "nydfs_covered": "covered entity under 23 NYCRR 500",
    "significant_incident": "significant incident (NIS2 Art. 23(3))",
    "material": "materiality determined (SEC Item 1.05)",
    "notification_incident": "notification incident (12 CFR 53 / 225 / 304)",
    "gdpr_risk_none": "GDPR assessment: breach unlikely to result in a risk",
    "gdpr_risk_high": "GDPR assessment: likely high risk (or not assessed yet: conservative)",
    "hipaa_low_probability": "HIPAA four-factor assessment: low probability of compromise",
}

SECTORS = (
    "nis2_essential",
    "nis2_important",
    "sec_registrant",
    "glba_financial_institution",
    "bank_regulated",
    "nydfs_covered",
)
GDPR_RISKS = ("unknown", "none", "risk", "high")
GDPR_ROLES = ("controller", "processor", "none")
HIPAA_ROLES = ("covered_entity", "business_associate", "none")
CLOCKS = ("discovered", "aware", "determined", "materiality", "year_end")
BASES = ("people", "incident")
GROUPINGS = ("rule", "jurisdiction")
OPERATORS = (">", ">=", "<", "<=")
KNOWN = frozenset(ELEMENTS) | frozenset(GROUP_FLAGS) | frozenset(INCIDENT_FLAGS)
INCIDENT_KNOWN = frozenset(INCIDENT_FLAGS)


# Discovery entity types (data.discovery) -> breach elements, so populations can be proposed from scans.
DISCOVERY_ELEMENTS = {
    "PERSON": "name",
    "EMAIL": "email",
    "PHONE": "phone",
    "US_SSN": "ssn",
    "US_ITIN": "government_id",
    "CREDIT_CARD": "card_number",
    "IBAN": "account_number",
    "IP_ADDRESS": "ip_address",
    "DATE_OF_BIRTH": "dob",
    "US_PASSPORT": "passport",
    "US_DRIVER_LICENSE": "drivers_license",
    "MEDICAL_RECORD_NUMBER": "medical",
    "SECRET": "password",
}
