"""Synthetic Northwind Health sources (fixed seeds, invented values): a file share, SQLite billing and EHR."""

from __future__ import annotations

import csv
import datetime as dt
import email.message
import io
import json
import random
import sqlite3
import string
import zipfile
from pathlib import Path

FIRST = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sofia",
    "Lucas",
    "Amara",
    "Kenji",
    "Priya",
    "Diego",
    "Hannah",
    "Omar",
    "Grace",
    "Yusuf",
    "Chloe",
    "Ethan",
    "Leila",
    "Marcus",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Castillo",
    "Brennan",
    "Novak",
    "Haddad",
    "Whitfield",
    "Iyer",
    "Kowalski",
    "Santos",
    "Fischer",
    "Osei",
    "Delgado",
    "Nakamura",
    "Reyes",
    "Abbott",
    "Quinn",
    "Varga",
]
FIXED_TIME = (2024, 6, 1, 9, 0, 0)


class Fake:
    """Seeded generators of format-valid but invented values."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def name(self) -> str:
        return f"{self.r.choice(FIRST)} {self.r.choice(LAST)}"

    def email(self, name: str) -> str:
        return f"{name.lower().replace(' ', '.')}{self.r.randint(1, 99)}@example.com"

    def phone(self) -> str:
        return f"({self.r.randint(201, 989)}) {self.r.randint(201, 989)}-{self.r.randint(1000, 9999)}"

    def ssn(self) -> str:
        area = self.r.choice([a for a in range(1, 900) if a != 666])
        return f"{area:03d}-{self.r.randint(1, 99):02d}-{self.r.randint(1, 9999):04d}"

    def dob(self) -> str:
        return (dt.date(1940, 1, 1) + dt.timedelta(days=self.r.randint(0, 25_000))).isoformat()

    def card(self) -> str:
        digits = [4] + [self.r.randint(0, 9) for _ in range(14)]
        total = 0
        for i, d in enumerate(reversed(digits)):
            d = d * 2 if i % 2 == 0 else d
            total += d - 9 if d > 9 else d
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def iban(self) -> str:
        bban = "".join(str(self.r.randint(0, 9)) for _ in range(18))
        check = 98 - int(bban + "131400") % 97  # D=13 E=14, then "00"
        return f"DE{check:02d}{bban}"

    def mrn(self) -> str:
        return f"MRN{self.r.randint(1_000_000, 9_999_999)}"

    def aws_key(self) -> str:
        return "AKIA" + "".join(self.r.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _people(f: Fake, n: int) -> list[dict[str, str]]:
    out = []
    for _ in range(n):
        name = f.name()
        out.append(
            {
                "name": name,
                "email": f.email(name),
                "phone": f.phone(),
                "ssn": f.ssn(),
                "dob": f.dob(),
                "card": f.card(),
                "iban": f.iban(),
                "mrn": f.mrn(),
            }
        )
    return out


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.properties.created = book.properties.modified = dt.datetime(*FIXED_TIME)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _eml(f: Fake, p: dict[str, str]) -> bytes:
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "billing@northwind.example", p["email"], "Your account verification"
    msg["Date"] = "Sat, 01 Jun 2024 09:00:00 +0000"
    msg.set_content(
        f"Dear {p['name']},\n\nwe verified your identity with SSN {p['ssn']} and date of birth "
        f"{p['dob']}. Call us at {f.phone()} with questions.\n\nNorthwind Health Billing\n"
    )
    return msg.as_bytes()


def share_files(seed: int = 20240601) -> dict[str, bytes]:
    """Return the Northwind file share as {relative path: content}."""
    f = Fake(seed)
    files: dict[str, bytes] = {}
    staff = _people(f, 40)
    files["hr/employees.csv"] = _csv(
        [["full_name", "email", "phone", "ssn", "date_of_birth"]]
        + [[p["name"], p["email"], p["phone"], p["ssn"], p["dob"]] for p in staff]
    ).encode()
    for q in range(1, 5):
        payers = _people(f, 25)
        files[f"finance/payments-2024-q{q}.csv"] = _csv(
            [["customer", "card_number", "iban", "amount"]]
            + [[p["name"], p["card"], p["iban"], f"{f.r.randint(20, 900)}.00"] for p in payers]
        ).encode()
    for i in range(8):
        patients = _people(f, 6)
        files[f"clinical/discharge-{i:02d}.json"] = json.dumps(
            [
                {"mrn": p["mrn"], "patient_name": p["name"], "date_of_birth": p["dob"], "phone": p["phone"]}
                for p in patients
            ],
            indent=2,
        ).encode()
    for i in range(6):
        p = _people(f, 1)[0]
        files[f"it/ticket-{i:02d}.txt"] = (
            f"Ticket {4100 + i}: user {p['email']} cannot reach the VPN from 203.0.113.{10 + i}.\n"
            f"Build 10.0.19045.3803 installed; contact {p['name']} at {p['phone']}.\n"
            + (f"Found a leaked key in the deploy log: aws_access_key_id={f.aws_key()}\n" if i % 3 == 0 else "")
        ).encode()
    leads = _people(f, 30)
    files["marketing/leads.xlsx"] = _xlsx(
        [["name", "email", "phone"]] + [[p["name"], p["email"], p["phone"]] for p in leads]
    )
    files["marketing/newsletter-draft.txt"] = b"Spring newsletter: new clinic hours, parking changes, flu shots.\n"
    for i in range(5):
        files[f"mail/verification-{i:02d}.eml"] = _eml(f, _people(f, 1)[0])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        old = _people(f, 20)
        info = zipfile.ZipInfo("export-2019/patients.csv", date_time=FIXED_TIME)
        z.writestr(
            info,
            _csv([["mrn", "name", "ssn", "date_of_birth"]] + [[p["mrn"], p["name"], p["ssn"], p["dob"]] for p in old]),
        )
    files["archive/old-exports.zip"] = archive.getvalue()
    files["README.txt"] = b"Northwind Health shared drive. Synthetic demo data: every value is invented.\n"
    return files


def marketing_leak(seed: int = 20240608) -> dict[str, bytes]:
    """Return the file that appears on the share a week later: a campaign export with SSNs in it."""
    people = _people(Fake(seed), 15)
    return {
        "marketing/campaign-export.csv": _csv(
            [["name", "email", "ssn"]] + [[p["name"], p["email"], p["ssn"]] for p in people]
        ).encode()
    }


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write files under root (replacing them)."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def billing_db(path: Path, seed: int = 7) -> None:
    """Create the billing SQLite database: customers with contact details, invoices with cards and IBANs."""
    f = Fake(seed)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, full_name TEXT, email TEXT, phone TEXT)")
        db.execute(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer_id INTEGER, card_number TEXT, "
            "iban TEXT, amount REAL, status TEXT)"
        )
        people = _people(f, 120)
        db.executemany(
            "INSERT INTO customers VALUES (?, ?, ?, ?)",
            [(i, p["name"], p["email"], p["phone"]) for i, p in enumerate(people, 1)],
        )
        db.executemany(
            "INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i, f.r.randint(1, 120), p["card"], p["iban"], f.r.randint(20, 900), "paid")
                for i, p in enumerate(_people(f, 200), 1)
            ],
        )
    db.close()


def ehr_db(path: Path, seed: int = 11) -> None:
    """Create the EHR SQLite database: patients with identifiers, encounters by MRN."""
    f = Fake(seed)
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE patients (mrn TEXT PRIMARY KEY, patient_name TEXT, date_of_birth TEXT, ssn TEXT, phone TEXT)"
        )
        db.execute("CREATE TABLE encounters (id INTEGER PRIMARY KEY, mrn TEXT, visit_date TEXT, department TEXT)")
        people = _people(f, 150)
        db.executemany(
            "INSERT INTO patients VALUES (?, ?, ?, ?, ?)",
            [(p["mrn"], p["name"], p["dob"], p["ssn"], p["phone"]) for p in people],
        )
        db.executemany(
            "INSERT INTO encounters VALUES (?, ?, ?, ?)",
            [
                (
                    i,
                    f.r.choice(people)["mrn"],
                    "2024-05-0" + str(f.r.randint(1, 9)),
                    f.r.choice(["cardiology", "oncology", "paediatrics"]),
                )
                for i in range(1, 301)
            ],
        )
    db.close()
