"""Detection in text: exact spans, context rules and refused look-alikes."""

from tandem.data.discovery import EntityType as T
from tandem.data.discovery import detect


def found(text: str) -> set[tuple[T, str]]:
    return {(d.type, text[d.start : d.end]) for d in detect(text)}


def test_exact_spans_in_key_value() -> None:
    text = "user=alice@example.com ip=10.1.2.3 card=4111111111111111"
    assert found(text) == {
        (T.EMAIL, "alice@example.com"),
        (T.IP_ADDRESS, "10.1.2.3"),
        (T.CREDIT_CARD, "4111111111111111"),
    }


def test_version_strings_are_not_ips() -> None:
    assert found("upgraded to version 1.2.3.4 (build 10.0.19.45)") == set()


def test_luhn_invalid_and_bad_ssn_not_reported() -> None:
    assert found("ref 4111111111111112 and part 123-00-4567 and 666-12-3456") == set()


def test_dates_need_birth_context() -> None:
    assert found("The visit was on 2021-03-04.") == set()
    assert (T.DATE_OF_BIRTH, "March 2, 1992") in found("Patient Ann Lee (DOB March 2, 1992) came on 2021-03-04.")


def test_secrets() -> None:
    text = (
        'aws_access_key_id = "AKIAIOSFODNN7EXAMPLF"\n'
        'aws_secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"\n'
        "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n"
        "  MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
        "  -----END RSA PRIVATE KEY-----\n"
    )
    types = {t for t, _ in found(text)}
    assert {T.AWS_ACCESS_KEY_ID, T.AWS_SECRET_ACCESS_KEY, T.PRIVATE_KEY} <= types


def test_json_keys_give_context() -> None:
    text = '{"mrn": "MRN1234567", "dob": "1980-02-03", "documents": [{"type": "passport", "number": "T10999310"}]}'
    assert found(text) >= {(T.MEDICAL_RECORD_NUMBER, "MRN1234567"), (T.DATE_OF_BIRTH, "1980-02-03"),
                           (T.US_PASSPORT, "T10999310")}  # fmt: skip


def test_csv_columns_give_context() -> None:
    text = "emp_id,name,dob,dl_state,dl_number,start_date\nE1,Lynn Williams,1957-02-09,CA,E7257088,2020-08-18\n"
    result = found(text)
    assert (T.PERSON, "Lynn Williams") in result and (T.DATE_OF_BIRTH, "1957-02-09") in result
    assert (T.US_DRIVER_LICENSE, "E7257088") in result
    assert not any(value == "2020-08-18" for _, value in result)


def test_non_ascii_offsets() -> None:
    text = "Müller Jáuregui wrote to señor.núñez@example.com? no: jose@example.com"
    assert (T.EMAIL, "jose@example.com") in found(text)
