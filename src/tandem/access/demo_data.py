"""Northwind Health's access sample as the four CSV files and a week of activity (synthetic, fixed seed)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tandem.platform.safety.csvsafe import write_csv

SEED = 20261127
# key, name, inventory application, dormant days, MFA enforced, change windows (weekday, start, end UTC)
SYSTEMS = [
    ("ehr", "Epic EHR", "Epic EHR", 60, True, []),
    ("billing", "Billing Portal", "Billing Portal", 90, True, []),
    ("hr", "Workday HCM", "Workday HCM", 90, True, []),
    ("ad", "Active Directory", None, 90, False, [(1, 18, 22), (3, 18, 22)]),
    ("m365", "Microsoft 365", "Office 365", 90, True, []),
    ("aws", "AWS", None, 90, True, [(2, 14, 18)]),
    ("crm", "Salesforce CRM", "Salesforce CRM", 120, True, []),
    ("finance", "SAP Finance", "SAP Finance", 90, False, []),
]
# system, id, name, type, privileged, includes, data stores
ENTITLEMENTS = [
    ("ehr", "clinician", "Clinician", "role", False, "chart-read", ""),
    ("ehr", "chart-read", "Read patient charts", "permission", False, "", "EHR database:read;Paediatrics share:read"),
    ("ehr", "chart-export", "Export patient data", "permission", False, "", "EHR database:export"),
    ("ehr", "ehr-admin", "EHR administrator", "role", True, "chart-read", "EHR database:admin"),
    ("billing", "billing-clerk", "Billing clerk", "role", False, "", "Billing database:write"),
    ("billing", "billing-admin", "Billing administrator", "role", True, "", "Billing database:admin"),
    ("hr", "hr-viewer", "HR records viewer", "role", False, "", "HR records:read"),
    ("hr", "payroll", "Payroll processor", "role", False, "", "HR records:write"),
    ("hr", "hr-admin", "HR administrator", "role", True, "", "HR records:admin"),
    ("ad", "domain-users", "Domain Users", "group", False, "", ""),
    ("ad", "clinical-staff", "Clinical Staff", "group", False, "domain-users", ""),
    ("ad", "domain-admins", "Domain Admins", "group", True, "", "Password vault:admin"),
    ("m365", "e3", "Microsoft 365 E3", "permission", False, "", ""),
    ("m365", "sp-clinical", "SharePoint Clinical", "group", False, "", "Paediatrics share:read"),
    ("m365", "global-admin", "Global Administrator", "role", True, "", ""),
    ("aws", "readonly", "ReadOnlyAccess", "role", False, "", ""),
    ("aws", "pacs-read", "S3 PACS read", "permission", False, "", "PACS image store:read"),
    ("aws", "admin", "AdministratorAccess", "role", True, "pacs-read", "PACS image store:admin"),
    ("crm", "sales-user", "Sales user", "role", False, "", ""),
    ("crm", "marketing-export", "Marketing export", "permission", False, "", "EU marketing list:export"),
    ("crm", "crm-admin", "CRM administrator", "role", True, "", "EU marketing list:admin"),
    ("finance", "gl-read", "General ledger read", "permission", False, "", "Finance ledger:read"),
    ("finance", "ap-clerk", "Accounts payable clerk", "role", False, "gl-read", ""),
    ("finance", "create-vendor", "Create vendor", "permission", False, "", ""),
    ("finance", "change-vendor-bank", "Change vendor bank details", "permission", False, "", ""),
    ("finance", "approve-payment", "Approve payment", "permission", False, "", "Finance ledger:write"),
    ("finance", "finance-admin", "Finance administrator", "role", True, "", "Finance ledger:admin"),
]
# Department -> (system, entitlements) every member gets; IT staff also get AWS.
BY_DEPT = {
    "Clinical": [("ehr", ["clinician"]), ("ad", ["clinical-staff"]), ("m365", ["sp-clinical"])],
    "Finance": [("finance", ["ap-clerk"]), ("billing", ["billing-clerk"])],
    "HR": [("hr", ["hr-viewer", "payroll"])],
    "IT": [("aws", ["readonly"])],
    "Security": [("aws", ["readonly"])],
    "Northwind Health Europe": [("crm", ["sales-user"])],
}
LEAVER, SOD_PERSON, EXPORTER, TRAVELLER, ADMIN, EXCESSIVE = 57, 33, 8, 20, 0, 14
SOD_RULE = (
    "Create or change vendor + approve payment",
    ["finance:create-vendor", "finance:change-vendor-bank"],
    ["finance:approve-payment"],
)


def emp(i: int) -> str:
    """Return the employee id of the i-th person."""
    return f"E{i:04d}"


def _user(person: Any) -> str:
    return str(person.email.split("@", 1)[0])


def files(people: list[Any], today: dt.date) -> dict[str, str]:
    """Return identities, accounts, entitlements and assignments CSV texts."""
    rng = random.Random(SEED)
    ids = {p.id: n for n, p in enumerate(people)}
    idents: list[list[Any]] = []
    accounts: list[list[Any]] = []
    grants: list[list[Any]] = []
    now = dt.datetime.combine(today, dt.time(9), dt.UTC)
    for n, p in enumerate(people):
        leaver = n == LEAVER
        manager = emp(ids[p.manager_id]) if p.manager_id in ids else ""
        end = (today - dt.timedelta(days=27)).isoformat() if leaver else ""
        idents.append([emp(n), p.email, p.full_name, p.department, manager, "terminated" if leaver else "active", end])
        plan: dict[str, list[str]] = {"ad": ["domain-users"], "m365": ["e3"]}
        for system, extra in BY_DEPT.get(p.department, []):
            plan.setdefault(system, []).extend(extra)
        for system, wanted in plan.items():
            login = now - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 9))
            acc = f"{system}-{emp(n).lower()}"
            privileged = system in ("ad", "aws") and n in (ADMIN, 1)
            accounts.append(
                [
                    system,
                    acc,
                    _user(p),
                    p.email,
                    emp(n) if system in ("ad", "hr", "m365") else "",
                    "enabled",
                    "2022-03-01T08:00:00Z",
                    login.isoformat(),
                    privileged,
                    False,
                    "",
                ]
            )
            grants += [[system, acc, e, "2023-01-10T09:00:00Z", "provisioning", ""] for e in wanted]
    _plant(people, today, accounts, grants)
    header = {
        "identities": ["employee_id", "email", "display_name", "department", "manager_id", "status", "end_date"],
        "accounts": [
            "system",
            "account_id",
            "username",
            "email",
            "employee_id",
            "status",
            "created_at",
            "last_login_at",
            "is_privileged",
            "is_service_account",
            "owner_employee_id",
        ],
        "entitlements": [
            "system",
            "entitlement_id",
            "name",
            "type",
            "owner_employee_id",
            "privileged",
            "description",
            "includes",
            "data_stores",
        ],
        "assignments": ["system", "account_id", "entitlement_id", "granted_at", "granted_by", "last_used_at"],
    }
    ents: list[list[Any]] = [
        [s, i, name, t, emp(1 + k % 5), priv, f"{name} on {s}", inc, stores]
        for k, (s, i, name, t, priv, inc, stores) in enumerate(ENTITLEMENTS)
    ]
    rows: dict[str, list[list[Any]]] = {
        "identities": idents,
        "accounts": accounts,
        "entitlements": ents,
        "assignments": grants,
    }
    return {kind: write_csv(rows[kind], header[kind]) for kind in rows}


def _plant(people: list[Any], today: dt.date, accounts: list[list[Any]], grants: list[list[Any]]) -> None:
    """Add the findings the demo shows: orphans, dormant admins, SoD, excessive, service accounts."""
    old = (dt.datetime.combine(today, dt.time(9), dt.UTC) - dt.timedelta(days=211)).isoformat()
    accounts += [
        ["ad", "ad-jsmith-old", "jsmith.old", "", "", "enabled", "2019-05-01", old, False, False, ""],
        [
            "crm",
            "crm-temp-7",
            "temp.contractor7",
            "contractor7@agency.example",
            "",
            "enabled",
            "2024-02-01",
            "",
            False,
            False,
            "",
        ],
        ["aws", "aws-breakglass", "breakglass-admin", "", "", "enabled", "2021-01-01", old, True, False, ""],
        ["aws", "aws-svc-etl", "svc-etl", "", "", "enabled", "2023-06-01", "", False, True, ""],
        ["ad", "ad-svc-backup", "svc-backup", "", "", "enabled", "2020-01-01", "", False, True, emp(1)],
        [
            "aws",
            f"aws-{emp(2).lower()}",
            _user(people[2]),
            people[2].email,
            "",
            "enabled",
            "2021-04-01",
            old,
            True,
            False,
            "",
        ],
        [
            "finance",
            f"finance-{emp(SOD_PERSON).lower()}-2",
            "ap.approver",
            people[SOD_PERSON].email,
            "",
            "enabled",
            "2024-01-01",
            "",
            False,
            False,
            "",
        ],
    ]
    grants += [
        ["ad", "ad-jsmith-old", "domain-admins", "2019-05-01", "", ""],
        ["aws", "aws-breakglass", "admin", "2021-01-01", "", ""],
        ["aws", f"aws-{emp(2).lower()}", "admin", "2021-04-01", "", ""],
        ["ad", f"ad-{emp(ADMIN).lower()}", "domain-admins", "2020-01-01", "", ""],
        ["m365", f"m365-{emp(ADMIN).lower()}", "global-admin", "2020-01-01", "", ""],
        ["finance", f"finance-{emp(SOD_PERSON).lower()}", "create-vendor", "2024-05-01", "", ""],
        ["finance", f"finance-{emp(SOD_PERSON).lower()}", "change-vendor-bank", "2024-05-01", "", ""],
        ["finance", f"finance-{emp(SOD_PERSON).lower()}-2", "approve-payment", "2024-05-01", "", ""],
        ["ehr", f"ehr-{emp(EXCESSIVE).lower()}", "chart-export", "2025-02-01", "", ""],
        ["ehr", f"ehr-{emp(EXPORTER).lower()}", "chart-export", "2025-02-01", "", ""],
    ]


def activity(people: list[Any], today: dt.date) -> str:
    """Return a week of activity as JSON lines, with the planted misuse."""
    import json

    rng = random.Random(SEED + 1)
    start = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(0), dt.UTC)
    lines: list[dict[str, Any]] = []
    clinical = [n for n, p in enumerate(people) if p.department == "Clinical"][:30]
    for day in range(7):
        base = start + dt.timedelta(days=day)
        if base.weekday() >= 5:
            continue
        for n in clinical:
            for _ in range(rng.randint(3, 8)):
                at = base + dt.timedelta(hours=rng.randint(8, 17), minutes=rng.randint(0, 59))
                lines.append(
                    {
                        "time": at.isoformat(),
                        "identity": emp(n),
                        "system": "ehr",
                        "action": "read",
                        "object": f"EHR database/patient/{rng.randint(10_000, 99_999)}",
                        "source_ip": "10.20.1.5",
                        "country": "US",
                        "records": rng.randint(1, 3),
                    }
                )
            lines.append(
                {
                    "time": (base + dt.timedelta(hours=8)).isoformat(),
                    "identity": emp(n),
                    "system": "m365",
                    "action": "login",
                    "country": "US",
                    "source_ip": "10.20.1.5",
                }
            )
    last = start + dt.timedelta(days=6)
    lines += [
        {
            "time": (last + dt.timedelta(hours=3, minutes=12)).isoformat(),
            "identity": emp(EXPORTER),
            "system": "ehr",
            "action": "export",
            "object": "EHR database/patients (all)",
            "source_ip": "10.20.9.44",
            "country": "US",
            "records": 48_213,
            "bytes": 912_000_000,
        },
        {
            "time": (last + dt.timedelta(hours=9)).isoformat(),
            "identity": emp(LEAVER),
            "system": "m365",
            "action": "login",
            "country": "US",
            "source_ip": "73.14.2.8",
        },
        {
            "time": (last + dt.timedelta(hours=10)).isoformat(),
            "identity": emp(TRAVELLER),
            "system": "m365",
            "action": "login",
            "country": "US",
            "source_ip": "10.20.1.9",
        },
        {
            "time": (last + dt.timedelta(hours=10, minutes=38)).isoformat(),
            "identity": emp(TRAVELLER),
            "system": "m365",
            "action": "login",
            "country": "RO",
            "source_ip": "185.220.101.4",
        },
        {
            "time": (start + dt.timedelta(days=2, hours=11)).isoformat(),
            "identity": emp(SOD_PERSON),
            "system": "finance",
            "action": "vendor_bank_change",
            "object": "vendor:acme-medical iban DE89…",
        },
        {
            "time": (start + dt.timedelta(days=3, hours=15)).isoformat(),
            "identity": emp(SOD_PERSON),
            "system": "finance",
            "action": "payment_approve",
            "object": "payment:INV-4471 vendor:acme-medical",
            "records": 1,
        },
        {
            "time": _saturday_night(start).isoformat(),
            "identity": emp(ADMIN),
            "system": "ad",
            "action": "add_member",
            "object": "Domain Admins ← jsmith.old",
        },
    ]
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def _saturday_night(start: dt.datetime) -> dt.datetime:
    day = start + dt.timedelta(days=(5 - start.weekday()) % 7)
    return day.replace(hour=23, minute=5)
