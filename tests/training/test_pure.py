"""The pure parsers and rules: recorded GoPhish, generic, LMS CSV and xAPI samples; located errors; audience,
grading and phishing metrics. No database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tandem.platform.errors import InvalidInput
from tandem.training.engine import phishing
from tandem.training.engine.audience import PersonFacts, matching_rule, rule_errors
from tandem.training.engine.quiz import grade
from tandem.training.importers import generic, gophish, lms

DATA = Path(__file__).parent / "data"


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _locations(exc: pytest.ExceptionInfo[InvalidInput]) -> dict[str, str]:
    return {e.location: e.reason for e in exc.value.errors}


def test_gophish_csv_statuses_imply_earlier_steps() -> None:
    rows = {r.email: r for r in gophish.parse_csv((DATA / "gophish_results.csv").read_bytes(), "results.csv")}
    assert rows["ana.lopez@acme.example"].opened_at is None
    assert rows["ben.ode@acme.example"].opened_at == t("2026-03-02T09:41:17.339201")
    cara = rows["cara.smith@acme.example"]
    assert cara.clicked_at == cara.opened_at == t("2026-03-02T10:02:55.004718") and cara.submitted_at is None
    dev = rows["dev.patel@acme.example"]
    assert dev.submitted_at == dev.clicked_at and dev.sent_at == t("2026-03-02T09:00:06.200101")
    assert (
        rows["eli.wong@acme.example"].reported_at == t("2026-03-02T09:07:12")
        and rows["eli.wong@acme.example"].where == "results.csv:6"
    )


def test_gophish_json_timeline_keeps_exact_times_and_names() -> None:
    rows = {r.email: r for r in gophish.parse_json((DATA / "gophish_timeline.json").read_bytes(), "t.json")}
    assert set(rows) == {"ana.lopez@acme.example", "ben.ode@acme.example", "cara.smith@acme.example"}
    ana, ben, cara = rows["ana.lopez@acme.example"], rows["ben.ode@acme.example"], rows["cara.smith@acme.example"]
    assert ana.opened_at == ana.clicked_at == t("2026-10-05T09:20:15")  # images blocked: the click proves the open
    assert ben.reported_at == t("2026-10-05T09:06:12") and ben.clicked_at is None and ben.position == "Clerk"
    assert cara.submitted_at == t("2026-10-05T09:32:55") and cara.opened_at == t("2026-10-05T09:31:02")


def test_phishing_parsers_locate_every_bad_row() -> None:
    bad_csv = (b"id,status,send_date,reported,modified_date,email\n"
               b"1,Email Sent,2026-01-01T00:00:00Z,false,2026-01-01T00:00:00Z,a@x.example\n"
               b"2,Phished,2026-01-01T00:00:00Z,maybe,,b@x.example\n"
               b"3,Email Sent,yesterday,false,,not-an-email\n")  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        gophish.parse_csv(bad_csv, "g.csv")
    where = _locations(exc)
    assert where["g.csv:3"].startswith("status: unknown status 'Phished'")
    assert where["g.csv:4"].startswith("email:")
    bad_json = (
        b'[{"email": "a@x.example", "time": "2026-01-01T00:00:00Z", "message": "Email Sent"},'
        b' {"email": "a@x.example", "time": "soon", "message": "Clicked Link"}, {"message": "Phished"}]'
    )
    with pytest.raises(InvalidInput) as exc:
        gophish.parse_json(bad_json, "t.json")
    assert set(_locations(exc)) == {"t.json:$[1]", "t.json:$[2]"}
    with pytest.raises(InvalidInput) as exc:
        gophish.parse_json(b'{"timeline": [', "t.json")
    assert next(iter(_locations(exc))).startswith("t.json:1:")
    with pytest.raises(InvalidInput) as exc:
        generic.parse_csv(b"email,sent_at\na@x.example,\n", "g.csv")
    assert _locations(exc) == {"g.csv:2": "sent_at: required (when the e-mail was delivered)"}


def test_generic_csv_and_metrics() -> None:
    rows = generic.parse_csv((DATA / "generic_phishing.csv").read_bytes(), "generic.csv")
    assert rows[3].clicked_at == rows[3].submitted_at  # submitting data implies a click
    outcomes = [phishing.Outcome("c1", r.email, r.department, r.sent_at, r.opened_at, r.clicked_at, r.submitted_at,
                                 r.reported_at) for r in rows]  # fmt: skip
    m = phishing.metrics(outcomes)
    assert (m["recipients"], m["clicked"], m["submitted"], m["reported"]) == (4, 2, 1, 1)
    assert m["click_rate"] == 0.5 and m["report_rate"] == 0.25 and m["minutes_to_first_report"] == 34.0
    assert phishing.by_department(outcomes)["IT"]["click_rate"] == 0.5
    later = [phishing.Outcome("c2", "ana.lopez@acme.example", "", t("2026-09-01T00:00:00"), None,
                              t("2026-09-01T01:00:00"), None, None)]  # fmt: skip
    assert phishing.repeat_clickers(outcomes + later) == {"ana.lopez@acme.example": 2}


def test_lms_csv_and_xapi() -> None:
    rows = lms.parse_csv((DATA / "lms_completions.csv").read_bytes(), "lms.csv")
    assert [(r.email, r.passed, r.score) for r in rows] == [("ana.lopez@acme.example", True, 92.0),
                                                           ("ben.ode@acme.example", False, 64.0),
                                                           ("ben.ode@acme.example", True, 88.0)]  # fmt: skip
    assert rows[1].completed_at == t("2026-09-15T06:02:11")  # offsets become UTC
    statements = lms.parse_xapi((DATA / "xapi_statements.json").read_bytes(), "x.json")
    assert [(s.email, s.passed, s.score, s.where) for s in statements] == [
        ("cara.smith@acme.example", True, 95.0, "x.json:$[1]"),
        ("dev.patel@acme.example", False, 55.0, "x.json:$[2]"),
    ]
    bad = (
        b'[{"actor": {"account": {"name": "u1"}}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},'
        b' "object": {"id": "x"}, "timestamp": "2026-01-01T00:00:00Z"},'
        b' {"actor": {"mbox": "mailto:a@x.example"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},'
        b' "object": {"id": "x"}, "result": {"score": {"scaled": 3}}, "timestamp": "2026-01-01T00:00:00Z"}]'
    )
    with pytest.raises(InvalidInput) as exc:
        lms.parse_xapi(bad, "x.json")
    where = _locations(exc)
    assert where["x.json:$[0]"].startswith("actor.mbox:") and where["x.json:$[1]"].startswith("result.score.scaled")
    with pytest.raises(InvalidInput) as exc:
        lms.parse_csv(b"email,course,completed_at,score\na@x.example,C,2026-01-01,120\n", "c.csv")
    assert _locations(exc) == {"c.csv:2": "score: must be from 0 to 100"}


def test_audience_rules_and_grading() -> None:
    today = dt.date(2026, 11, 27)
    nurse = PersonFacts(1, "Clinical", "Nurse", dt.date(2026, 11, 10), True)
    leaver = PersonFacts(2, "Clinical", "Nurse", dt.date(2020, 1, 1), False)
    rules = [{"kind": "department", "values": ["clinical"]}]
    assert matching_rule(rules, nurse, today) == "department Clinical"
    assert matching_rule(rules, leaver, today) is None
    assert matching_rule([{"kind": "new_joiners", "days": 30}], nurse, today) == "joined within 30 days"
    assert matching_rule([{"kind": "new_joiners", "days": 10}], nurse, today) is None
    assert matching_rule([{"kind": "role", "values": ["Engineer"]}, {"kind": "all"}], nurse, today) == "all staff"
    assert rule_errors([{"kind": "role", "values": []}, {"kind": "vip"}]) == [
        ("0.values", "a role rule needs at least one value"),
        ("1.kind", rule_errors([{"kind": "x"}])[0][1]),
    ]
    graded = grade([[2], [0, 2]], {0: [2], 1: [0]}, pass_mark=80)
    assert (graded.score, graded.passed, graded.right) == (50.0, False, [True, False])
    assert grade([[2], [0, 2]], {0: [2], 1: [2, 0]}, pass_mark=80).passed


def test_json_recursion_bomb_is_located() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    for parse in (lms.parse_xapi, gophish.parse_json):
        with pytest.raises(InvalidInput) as exc:
            parse(deep, "deep.json")
        assert exc.value.errors[0].location.startswith("deep.json:1:") and "depth" in exc.value.errors[0].reason
