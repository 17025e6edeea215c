"""The pure engines: tiering with factors, the agreement rules, scoring and gaps, and the questionnaire reader."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from tandem.vendors.engine import baseline, scoring
from tandem.vendors.engine.flags import Facts, Paper, evaluate
from tandem.vendors.engine.questionnaire import QuestionnaireError, parse
from tandem.vendors.engine.tiering import Exposure, residual_of, tier_of

TODAY = dt.date(2026, 11, 27)


def test_tier_is_explained_by_its_factors() -> None:
    t = tier_of(Exposure(frozenset({"health", "contact"}), 2_400_000, "privileged", ("restricted",), (4,)))
    assert t.tier == "critical" and t.score == sum(p for _, p in t.factors) == 3 + 1 + 2 + 3 + 2 + 1
    assert any("special-category" in f for f, _ in t.factors)
    assert tier_of(Exposure(frozenset({"contact"}), 10)).tier == "low"
    assert tier_of(Exposure(frozenset({"contact"}), 200_000)).tier == "medium"
    assert residual_of("high", 90.0, 0) == "medium" and residual_of("high", 40.0, 0) == "critical"
    assert residual_of("low", None, 9) == "low" and residual_of("critical", 50, 0) == "critical"


@pytest.mark.parametrize(
    ("facts", "codes"),
    [
        (Facts(phi=True), {"phi-without-baa"}),
        (Facts(phi=True, papers=(Paper("baa", "signed"),)), set()),
        (Facts(phi=True, papers=(Paper("baa", "draft"),)), {"phi-without-baa"}),
        (Facts(vendor_country="FR", eu_personal=True), {"processor-without-dpa"}),
        (Facts(vendor_country="US", eu_personal=True, papers=(Paper("dpa", "signed"),)),
         {"transfer-without-mechanism"}),
        (Facts(vendor_country="US", eu_personal=True, transfer_mechanism="scc", papers=(Paper("dpa", "signed"),)),
         set()),
        (Facts(vendor_country="JP", eu_personal=True, legal_role="independent-controller"), set()),
        (Facts(papers=(Paper("soc2", "signed", TODAY - dt.timedelta(days=1)),)), {"soc2-expired"}),
        (Facts(papers=(Paper("soc2", "signed", TODAY - dt.timedelta(days=400)), Paper("soc2", "signed", TODAY))),
         set()),
        (Facts(contract_ended=True, offboarding_done=False), {"offboarding-open"}),
        (Facts(ever_assessed=True, last_assessed=TODAY - dt.timedelta(days=200), cadence_days=180),
         {"reassessment-overdue"}),
    ],
)  # fmt: skip
def test_agreement_rules(facts: Facts, codes: set[str]) -> None:
    assert {f.code for f in evaluate(facts, TODAY)} == codes


def test_baseline_has_sixty_mapped_questions() -> None:
    qs = baseline.questions()
    assert len(qs) == 60 and len({q["id"] for q in qs}) == 60
    assert all(q["controls"] and all(c.split(":")[0] in {"800-53", "HIPAA", "GDPR"} for c in q["controls"]) for q in qs)
    assert {"HIPAA:164.308(b)(1)", "GDPR:Art.28(3)(a)", "800-53:SA-9"} <= {c for q in qs for c in q["controls"]}


def test_scores_per_section_skip_na_and_gaps_become_findings() -> None:
    qs = [{"id": "A1", "section": "A", "text": "?", "weight": 3, "kind": "yes_no"},
          {"id": "A2", "section": "A", "text": "?", "weight": 1, "kind": "yes_no"},
          {"id": "B1", "section": "B", "text": "?", "weight": 2, "kind": "yes_no"},
          {"id": "C1", "section": "C", "text": "free", "weight": 1, "kind": "text"}]  # fmt: skip
    answers = {"A1": {"answer": "yes"}, "A2": {"answer": "no"}, "B1": {"answer": "n/a"}, "C1": {"answer": "hi"}}
    result = scoring.score(qs, answers)
    assert result["sections"] == {"A": 75.0, "B": None, "C": None} and result["overall"] == 75.0
    assert result["answered"] == 4
    assert [(g["question_id"], g["severity"]) for g in scoring.gaps(qs, answers)] == [("A2", "low")]


SIG_CSV = b"""Vendor questionnaire (licensed copy),,,
,,,
Ref #,Domain,Question Text,Maps To
A.1,Governance,Is there a security policy?,800-53:PL-1
,,,
A.2,Governance,Is it reviewed yearly?,800-53:PL-1; GDPR:Art.32
"""


def test_csv_with_a_title_block_is_read() -> None:
    parsed = parse(SIG_CSV, "sig.csv")
    assert parsed.header_row == 3
    assert [(q["id"], q["section"], q["controls"]) for q in parsed.questions] == [
        ("A.1", "Governance", ["800-53:PL-1"]), ("A.2", "Governance", ["800-53:PL-1", "GDPR:Art.32"])]  # fmt: skip


def test_xlsx_errors_are_located_by_sheet_and_row() -> None:
    book = Workbook()
    book.active.title = "Cover"
    book.active.append(["CAIQ-style workbook"])
    ws = book.create_sheet("Questions")
    ws.append(["Question ID", "Control Domain", "Question", "Weight"])
    ws.append(["Q1", "IAM", "MFA everywhere?", 3])
    ws.append(["Q1", "IAM", "SSO?", "heavy"])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(QuestionnaireError) as err:
        parse(buf.getvalue(), "caiq.xlsx")
    assert ("caiq.xlsx[Questions]:3: weight", "must be a whole number from 0 to 10") in err.value.errors
    assert any(w == "caiq.xlsx[Questions]:3: id" and "duplicate of row 2" in r for w, r in err.value.errors)
    with pytest.raises(QuestionnaireError) as err:
        parse(b"PK\x03\x04 not really", "broken.xlsx")
    assert err.value.errors[0][0] == "broken.xlsx"
    with pytest.raises(QuestionnaireError, match="no header row"):
        parse(b"a,b\n1,2\n", "plain.csv")


def test_questionnaire_workbooks_that_are_bombs_or_broken_are_located() -> None:
    import zipfile

    def archive(members: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
        return out.getvalue()

    book = Workbook()
    book.active.append(["Question"])
    book.active.append(["Is data encrypted?"])
    good = io.BytesIO()
    book.save(good)
    with zipfile.ZipFile(io.BytesIO(good.getvalue())) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    cases = {
        archive({"xl/worksheets/sheet1.xml": b" " * 2_000_000}): ("q.xlsx:xl/worksheets/sheet1.xml", "ratio"),
        archive({"../evil.txt": b"x"}): ("q.xlsx:../evil.txt", "traverses"),
        archive({**members, "xl/workbook.xml": b"<garbage"}): ("q.xlsx", "not a readable XLSX"),
        archive({**members, "xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"}): ("q.xlsx", "not a readable"),
    }
    for data, (where, reason) in cases.items():
        with pytest.raises(QuestionnaireError) as exc:
            parse(data, "q.xlsx")
        assert exc.value.errors[0][0].startswith(where) and reason in exc.value.errors[0][1], exc.value.errors
