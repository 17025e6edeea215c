"""Validators accept real values and refuse the tricky look-alikes."""

import pytest

from tandem.data.discovery import validators as v

VALID_CARDS = ["4111111111111111", "5555555555554444", "2223003122003222", "378282246310005", "6011111111111117",
               "3530111333300000", "36227206271667", "6212345678901265"]  # fmt: skip


@pytest.mark.parametrize("number", VALID_CARDS)
def test_cards_valid(number: str) -> None:
    assert v.is_card(number)


@pytest.mark.parametrize("number", ["4111111111111112", "1234567812345678", "5778689288317179", "0000000000000000"])
def test_cards_invalid(number: str) -> None:
    assert not v.is_card(number)


@pytest.mark.parametrize("ssn", ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"])
def test_ssn_invalid_ranges(ssn: str) -> None:
    assert not v.is_ssn(ssn)


def test_ssn_valid_and_itin() -> None:
    assert v.is_ssn("536-90-4399")
    assert v.itin_ok("912", "70") and not v.itin_ok("912", "34")


def test_iban() -> None:
    assert v.is_iban("GB82WEST12345698765432") and v.is_iban("GB82 WEST 1234 5698 7654 32")
    assert not v.is_iban("GB83WEST12345698765432")  # checksum
    assert not v.is_iban("GB82WEST1234569876543")  # length


def test_ip() -> None:
    assert v.is_ipv4("192.168.1.20") and not v.is_ipv4("300.1.1.1") and not v.is_ipv4("01.2.3.4")
    assert v.is_ipv6("2001:db8::1") and not v.is_ipv6("12:46:42")


def test_phone_dates_names_secrets() -> None:
    assert v.is_phone("(415) 555-2671") and v.is_phone("+44 20 7946 0958") and not v.is_phone("(115) 555-2671")
    assert v.parse_birth_date("March 2, 1992") and not v.parse_birth_date("2999-01-01")
    assert v.is_person_name("Hans-Albert Jessel") and not v.is_person_name("user42")
    assert v.is_aws_secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") and not v.is_aws_secret("a" * 40)
    assert v.is_driver_license("E7257088", "CA") and not v.is_driver_license("77257088", "CA")
