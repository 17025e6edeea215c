"""Pure validators: checksums, issuer ranges, number-plan and format rules for candidate values."""

from .cards import card_brand, is_card, luhn_ok
from .dates import parse_birth_date
from .iban import is_iban
from .ids import is_driver_license, is_mrn, is_passport, is_ssn, itin_ok, ssn_ok
from .names import is_person_name
from .network import is_email, is_ipv4, is_ipv6
from .phone import is_phone
from .secrets import github_checksum_ok, is_aws_secret, is_jwt, looks_secret, shannon_entropy

__all__ = [
    "card_brand",
    "github_checksum_ok",
    "is_aws_secret",
    "is_card",
    "is_driver_license",
    "is_email",
    "is_iban",
    "is_ipv4",
    "is_ipv6",
    "is_jwt",
    "is_mrn",
    "is_passport",
    "is_person_name",
    "is_phone",
    "is_ssn",
    "itin_ok",
    "looks_secret",
    "luhn_ok",
    "parse_birth_date",
    "shannon_entropy",
    "ssn_ok",
]
