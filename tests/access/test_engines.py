"""The pure packages: parsers (located errors, SCIM nesting), the analysis engine, reach, activity rules, model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tandem.access.analysis import Dataset, ReachIndex, analyse, effective_pairs
from tandem.access.analysis.engine import SodRule
from tandem.access.anomaly import Event, outliers, run_rules
from tandem.access.importers import ParseFailed, parse_file
from tandem.access.importers.scim import ENTERPRISE, snapshot


def a(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_parsers_locate_every_problem() -> None:
    bad = b"system,account_id,last_login_at,is_privileged\nad,1,yesterday,true\nad,1,,maybe\n,2,,\n"
    with pytest.raises(ParseFailed) as caught:
        parse_file("accounts", bad, "accounts.csv")
    assert caught.value.errors == [
        ("accounts.csv:2:last_login_at", "must be an ISO 8601 date or time, e.g. 2026-11-27T08:30:00Z"),
        ("accounts.csv:3:is_privileged", "must be true or false"),
        ("accounts.csv:4:system", "is required"),
    ]
    with pytest.raises(ParseFailed, match="unknown column"):
        parse_file("identities", b"employee_id,salary\n1,2\n", "hr.csv")
    ents = parse_file(
        "entitlements", b"system,entitlement_id,includes,data_stores\nehr,r,a; b,EHR db:export;Lab\n", "e"
    )
    assert ents[0].includes == ("a", "b") and ents[0].data_stores == (("EHR db", "export"), ("Lab", "read"))
    events = parse_file(
        "activity",
        b'\n{"time": "2026-11-20T03:00:00Z", "identity": "E1", "system": "ehr", "action": "EXPORT", "records": 5}\n',
        "a.jsonl",
    )
    assert (events[0].action, events[0].records, events[0].line) == ("export", 5, 2)


def test_scim_users_groups_and_nested_groups_become_rows() -> None:
    users = [
        {
            "id": "u1",
            "userName": "alice",
            "active": True,
            "emails": [{"value": "A@x.org", "primary": True}],
            ENTERPRISE: {"employeeNumber": "E1"},
            "roles": [{"value": "admin"}],
        },
        {"id": "u2", "userName": "bob", "active": False},
    ]
    groups = [
        {"id": "g1", "displayName": "Clinicians", "members": [{"value": "u1"}, {"value": "g2", "type": "Group"}]},
        {"id": "g2", "displayName": "Nurses", "members": [{"value": "u2"}]},
    ]
    snap = snapshot("okta", users, groups)
    assert [(r.account_id, r.email, r.employee_id, r.status) for r in snap.accounts] == [
        ("u1", "a@x.org", "E1", "enabled"),
        ("u2", "", "", "disabled"),
    ]
    ents = {e.entitlement_id: e for e in snap.entitlements}
    assert ents["group:g2"].includes == ("group:g1",) and ents["role:admin"].type == "role"
    assert {(s.account_id, s.entitlement_id) for s in snap.assignments} == {
        ("u1", "group:g1"),
        ("u1", "role:admin"),
        ("u2", "group:g2"),
    }


def _dataset(**over: object) -> Dataset:
    base: dict[str, object] = dict(
        now=1e9,
        ident_status=a(0, 0, 0, 0, 0, 0, 1),
        ident_dept=a(0, 0, 0, 0, 0, 0, 0),
        ident_manager=a(-1, -1, -1, -1, -1, -1, -1),
        sys_dormant_days=a(30),
        sys_mfa=np.array([False]),
        acc_identity=a(0, 1, 2, 3, 4, 5, 6, -1),
        acc_system=a(0, 0, 0, 0, 0, 0, 0, 0),
        acc_enabled=np.ones(8, bool),
        acc_last_login=np.array([1e9] * 7 + [1e9 - 40 * 86400]),
        acc_opened=np.full(8, np.nan),
        acc_privileged=np.zeros(8, bool),
        acc_service=np.zeros(8, bool),
        acc_owner=a(*[-1] * 8),
        ent_privileged=np.array([False, False, True, False]),
        asg_account=a(0, 1, 2, 3, 4, 5, 0, 0, 1),
        asg_entitlement=a(0, 0, 0, 0, 0, 0, 1, 3, 3),
        inc_child=a(0),
        inc_parent=a(2),
    )
    base.update(over)
    return Dataset(**base)  # type: ignore[arg-type]


def test_engine_effective_access_findings_and_sod_semantics() -> None:
    ds = _dataset(sod_rules=[SodRule("any", "any", [1, 9], [3]), SodRule("all", "all", [1, 0], [3], "all")])
    acc, ent = effective_pairs(ds)
    assert {(int(x), int(y)) for x, y in zip(acc, ent, strict=True) if x == 0} == {(0, 0), (0, 1), (0, 2), (0, 3)}
    found = {(f.kind, f.account, f.identity, f.entitlement) for f in analyse(ds)}
    assert ("orphan", 7, -1, -1) in found and ("dormant", 7, -1, -1) in found
    assert ("terminated_active", 6, 6, -1) in found
    assert ("privileged_no_mfa", 0, 0, -1) in found  # privileged through the included admin entitlement
    assert ("excessive", -1, 0, 1) in found and ("excessive", -1, 0, 3) not in found  # 1 of 5 peers hold 3: 20 %
    assert {f[0:3] for f in found if f[0] == "sod"} == {("sod", -1, 0)}
    rules = [f for f in analyse(ds) if f.kind == "sod"]
    assert sorted(f.key.split(":")[1] for f in rules) == ["all", "any"]
    reach = ReachIndex(ds.asg_account, ds.asg_entitlement, ds.inc_child, ds.inc_parent).who_can({2: "admin"})
    assert {(r.account, r.path) for r in reach} == {(n, (0, 2)) for n in range(6)}


def _event(ref: int, when: dt.datetime, **kw: object) -> Event:
    return Event(
        ref=ref,
        time=when,
        who=str(kw.pop("who", "p1")),
        system=str(kw.pop("system", "ehr")),
        action=str(kw.pop("action", "read")),
        **kw,
    )  # type: ignore[arg-type]


def test_rules_and_isolation_forest_explain_what_stands_out() -> None:
    monday = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)
    events = [
        _event(
            n, monday + dt.timedelta(days=n % 5, minutes=n), who=f"p{n % 30}", records=2, sensitive=True, country="US"
        )
        for n in range(300)
    ]
    events.append(
        _event(
            300,
            monday + dt.timedelta(days=4, hours=-7),
            who="p1",
            action="export",
            records=50_000,
            sensitive=True,
            country="US",
        )
    )
    events.append(
        _event(
            301,
            monday + dt.timedelta(days=3, hours=5),
            who="admin",
            system="ad",
            action="add_member",
            windows=((1, 18, 22),),
        )
    )
    kinds = {s.kind for s in run_rules(events)}
    assert {"activity.bulk_sensitive_read", "activity.off_hours_phi", "activity.grant_outside_window"} <= kinds
    flagged = outliers(events)
    top = next(s for s in flagged if s.who == "p1")
    assert top.evidence["contributing"][0]["feature"] in {"records", "off_hours_share"}
    assert "typical" in top.title


def test_activity_json_lines_refuse_deep_binary_and_nested_values() -> None:
    event = b'{"time": "2026-11-20T03:00:00Z", "identity": "E1", "system": "ehr", "action": "read"}\n'
    cases = {
        event + b'{"time": ' + b"[" * 100_000 + b"\n": ("a.jsonl:2", "depth limit"),
        event + b'{"time": "\xff"}\n': ("a.jsonl", "not UTF-8"),
        event + b'{"time": "2026-11-20T03:00:00Z", "identity": {"id": "E1"}}\n': ("a.jsonl:2:identity", "must be"),
    }
    for data, (where, reason) in cases.items():
        with pytest.raises(ParseFailed) as caught:
            parse_file("activity", data, "a.jsonl")
        assert caught.value.errors[0][0] == where and reason in caught.value.errors[0][1], caught.value.errors


def test_a_scim_response_nested_too_deep_is_a_located_error() -> None:
    from tandem.access.importers.scim import parse_page

    with pytest.raises(ParseFailed) as caught:
        parse_page(b"[" * 100_000, "https://idp.test/Users")
    assert caught.value.errors[0][0] == "https://idp.test/Users" and "not JSON" in caught.value.errors[0][1]
