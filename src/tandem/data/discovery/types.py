"""Entity types the discovery engine reports, and the groups the quality goals name."""

from __future__ import annotations

from enum import StrEnum


class EntityType(StrEnum):
    """One kind of sensitive value."""

    PERSON = "PERSON"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    US_SSN = "US_SSN"
    US_ITIN = "US_ITIN"
    CREDIT_CARD = "CREDIT_CARD"
    IBAN = "IBAN"
    IP_ADDRESS = "IP_ADDRESS"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    US_PASSPORT = "US_PASSPORT"
    US_DRIVER_LICENSE = "US_DRIVER_LICENSE"
    MEDICAL_RECORD_NUMBER = "MEDICAL_RECORD_NUMBER"
    AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID"
    AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY"  # noqa: S105 - a type name, not a credential
    GITHUB_TOKEN = "GITHUB_TOKEN"  # noqa: S105 - a type name, not a credential
    PRIVATE_KEY = "PRIVATE_KEY"
    JWT = "JWT"
    SECRET = "SECRET"  # noqa: S105 - a type name, not a credential


SECRET_TYPES = frozenset(
    {
        EntityType.AWS_ACCESS_KEY_ID,
        EntityType.AWS_SECRET_ACCESS_KEY,
        EntityType.GITHUB_TOKEN,
        EntityType.PRIVATE_KEY,
        EntityType.JWT,
        EntityType.SECRET,
    }
)

# Types whose values carry a checksum or a fixed structure, held to the stricter accuracy goal.
VALIDATED_TYPES = frozenset(
    {EntityType.CREDIT_CARD, EntityType.IBAN, EntityType.US_SSN, EntityType.EMAIL} | SECRET_TYPES
)
