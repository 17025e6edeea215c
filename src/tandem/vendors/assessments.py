"""Questionnaires and assessments: the shipped baseline and imported ones, sending a tokenised link to a vendor
contact, the vendor answering without an account, scoring per section and findings from the gaps."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.auth import links
from tandem.platform.auth import service as auth
from tandem.platform.auth.permissions import require, visible_unit_ids
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.platform.mail import send_mail
from tandem.vendors import actions
from tandem.vendors import repository as repo
from tandem.vendors.common import check, require_in_unit, vendor_ref
from tandem.vendors.documents import make_document
from tandem.vendors.engine import baseline, scoring
from tandem.vendors.engine.questionnaire import QuestionnaireError, parse
from tandem.vendors.exposure import profile_for
from tandem.vendors.models import Assessment, Document, Finding, Questionnaire
from tandem.vendors.repository import VendorsRepository
from tandem.vendors.schemas import AssessmentCreate
from tandem.vendors.settings import get_vendors_settings
from tandem.vendors.vocab import FINDING_DAYS

log = logging.getLogger("tandem.vendors")
PURPOSE = "vendors.questionnaire"
PUBLIC_PATH = "/p/vendors/q/"
MAX_ANSWER = 4000


def catalogue(session: Session, principal: Principal | None) -> list[dict[str, Any]]:
    """Return the baseline and the imported questionnaires principal may see (None = all)."""
    units = None
    if principal is not None:
        require(session, principal, actions.VIEW.name)
        units = visible_unit_ids(session, principal, actions.VIEW.name)
    items = [{"id": "baseline", "name": baseline.NAME, "version": baseline.VERSION, "source": "shipped with Tandem",
              "licence": baseline.LICENCE, "questions": baseline.questions()}]  # fmt: skip
    for q in repo.questionnaires_for(session, units):
        items.append({"id": str(q.id), "name": q.name, "version": q.version, "source": q.source,
                      "licence": q.licence, "questions": q.questions})  # fmt: skip
    return items


def summary(item: dict[str, Any]) -> dict[str, Any]:
    """Return a catalogue entry without its questions."""
    sections = list(dict.fromkeys(q["section"] for q in item["questions"]))
    return {**{k: v for k, v in item.items() if k != "questions"}, "question_count": len(item["questions"]),
            "sections": sections}  # fmt: skip


def find_questionnaire(session: Session, principal: Principal | None, ref: str) -> dict[str, Any]:
    """Return the questionnaire named or numbered ref ("baseline", an imported one's id or exact name)."""
    wanted = ref.strip().lower()
    for item in catalogue(session, principal):
        if wanted in (item["id"].lower(), item["name"].lower()):
            return item
    raise InvalidInput.one("body.questionnaire", f"no questionnaire {ref!r} (use 'baseline' or an imported one)")


def import_questionnaire(
    session: Session, principal: Principal | None, data: bytes, filename: str, name: str, unit_id: uuid.UUID,
    sheet: str | None = None, licence: str = "",
) -> Questionnaire:  # fmt: skip
    """Import a CSV or XLSX questionnaire the user is licensed for; all questions or none, located errors."""
    require_in_unit(session, principal, unit_id, actions.IMPORT.name, "unit")
    name = name.strip()[:200]
    if not name:
        raise InvalidInput.one("name", "give the questionnaire a name")
    if not filename.lower().endswith((".csv", ".xlsx")):
        raise InvalidInput.one(filename, "must be a .csv or .xlsx file")
    try:
        parsed = parse(data, filename, sheet)
    except QuestionnaireError as exc:
        raise InvalidInput([FieldError(where, reason) for where, reason in exc.errors]) from None
    if any(q.name.lower() == name.lower() for q in repo.questionnaires_for(session, [unit_id])):
        raise Conflict(f"a questionnaire named {name!r} already exists; pick another name")
    row = Questionnaire(name=name, version="", source=f"imported from {filename}"[:200], licence=licence[:5000],
                        questions=parsed.questions, org_unit_id=unit_id)  # fmt: skip
    return VendorsRepository(session, Questionnaire).add(row)


def get_assessment(session: Session, principal: Principal | None, assessment_id: uuid.UUID) -> Assessment:
    """Return an assessment principal may see."""
    obj = VendorsRepository(session, Assessment).get(principal, assessment_id)
    if obj is None:
        raise NotFound("assessment not found")
    return obj


def list_assessments(session: Session, principal: Principal, req: PageRequest) -> Page[Any]:
    """List the assessments principal may see."""
    require(session, principal, actions.VIEW.name)
    try:
        return VendorsRepository(session, Assessment).list_page(principal, req)
    except ValueError:
        raise InvalidInput.one("query", "a filter value has the wrong type") from None


def send_assessment(session: Session, principal: Principal | None, data: AssessmentCreate) -> tuple[Assessment, str]:
    """Create an assessment and its expiring single-vendor link; e-mail the contact when SMTP is set up."""
    vendor = vendor_ref(session, principal, data.vendor_id)
    require_in_unit(session, principal, vendor.org_unit_id, actions.ASSESS.name, "body.vendor_id")
    item = find_questionnaire(session, principal, data.questionnaire)
    contact = str(data.contact_email or profile_for(session, vendor).contact_email or "")
    expires = utcnow() + dt.timedelta(days=data.days_valid)
    assessment = VendorsRepository(session, Assessment).add(Assessment(
        vendor_id=vendor.id, questionnaire=item["name"], questions=item["questions"], status="sent",
        contact_email=contact, expires_at=expires, answers={}, scores={}, org_unit_id=vendor.org_unit_id))  # fmt: skip
    link, token = links.issue_link(session, purpose=PURPOSE, subject_id=assessment.id,
                                   org_unit_id=vendor.org_unit_id, expires_at=expires)  # fmt: skip
    assessment.link_id = link.id
    session.flush()
    path = PUBLIC_PATH + token
    if contact:
        _invite(session, contact, vendor.name, item, expires, path)
    return assessment, path


def _invite(session: Session, contact: str, vendor: str, item: dict[str, Any], expires: dt.datetime, path: str) -> None:
    """E-mail the link; a mail failure is logged, never fatal (the sender also sees the link once)."""
    base = get_vendors_settings().public_url.rstrip("/")
    try:
        send_mail([contact], f"Security questionnaire from {_org_name(session)} for {vendor}"[:200],
                  f"Hello,\n\nplease answer our security questionnaire ({item['name']}, {len(item['questions'])} "
                  f"questions) for {vendor} by {expires.date().isoformat()}:\n\n{base}{path}\n\n"
                  "The link is personal to you and expires on that date. No account is needed.\n")  # fmt: skip
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("could not e-mail the questionnaire link to %s: %s", contact, exc)


def _org_name(session: Session) -> str:
    root = auth.root_unit(session)
    return root.name if root is not None else "your customer"


def cancel_assessment(session: Session, principal: Principal | None, assessment_id: uuid.UUID) -> Assessment:
    """Withdraw an unanswered assessment; its link stops working at once."""
    assessment = get_assessment(session, principal, assessment_id)
    check(session, principal, actions.ASSESS.name, assessment)
    if assessment.status in ("submitted", "reviewed"):
        raise Conflict("the vendor has already submitted this assessment")
    assessment.status = "cancelled"
    if assessment.link_id is not None:
        links.revoke_link(session, assessment.link_id)
    session.flush()
    return assessment


def mark_reviewed(session: Session, principal: Principal | None, assessment_id: uuid.UUID) -> Assessment:
    """Mark a submitted assessment as reviewed by the security team."""
    assessment = get_assessment(session, principal, assessment_id)
    check(session, principal, actions.ASSESS.name, assessment)
    # Re-read under a row lock: on PostgreSQL two reviewers clicking at once both saw "submitted" and both
    # succeeded (read committed); the second now waits, sees "reviewed" and gets the conflict.
    session.refresh(assessment, with_for_update=True)
    if assessment.status != "submitted":
        raise Conflict("only a submitted assessment can be reviewed")
    assessment.status = "reviewed"
    session.flush()
    return assessment


# --- the vendor-facing side: no account, one assessment per token ------------------------------------------


def open_public(session: Session, token: str) -> Assessment:
    """Return the one assessment a token opens (NotFound for unknown or tampered, LinkExpired for expired)."""
    link = links.resolve_link(session, PURPOSE, token)
    assessment = session.get(Assessment, link.subject_id)
    if assessment is None or assessment.status == "cancelled":
        raise NotFound("link not found")
    return assessment


def save_answers(session: Session, token: str, submitted: dict[str, dict[str, str]], final: bool) -> Assessment:
    """Store the vendor's answers; on final submission require every question, score it and open findings."""
    assessment = open_public(session, token)
    session.refresh(assessment, with_for_update=True)  # a double submission must not score and open findings twice
    if assessment.status in ("submitted", "reviewed"):
        raise Conflict("this questionnaire was already submitted; thank you")
    known = {q["id"]: q for q in assessment.questions}
    errors: list[FieldError] = []
    answers = dict(assessment.answers or {})
    for qid, value in submitted.items():
        q = known.get(qid)
        if q is None:
            errors.append(FieldError(f"answers.{qid}", "no such question"))
            continue
        answer, comment = value.get("answer", "").strip().lower(), value.get("comment", "").strip()
        if q.get("kind", "yes_no") == "yes_no" and answer not in ("", *scoring.ANSWERS):
            errors.append(FieldError(f"answers.{qid}", "answer yes, no or n/a"))
        if len(answer) > MAX_ANSWER or len(comment) > MAX_ANSWER:
            errors.append(FieldError(f"answers.{qid}", f"at most {MAX_ANSWER} characters"))
        answers[qid] = {"answer": answer[:MAX_ANSWER], "comment": comment[:MAX_ANSWER]}
    if final:
        errors += [FieldError(f"answers.{q['id']}", "please answer this question")
                   for q in assessment.questions if not (answers.get(q["id"]) or {}).get("answer")]  # fmt: skip
    if errors:
        raise InvalidInput(errors)
    assessment.answers = answers
    assessment.status = "in-progress"
    if final:
        _submit(session, assessment)
    session.flush()
    return assessment


def _submit(session: Session, assessment: Assessment) -> None:
    assessment.scores = scoring.score(assessment.questions, assessment.answers)
    assessment.status, assessment.submitted_at = "submitted", utcnow()
    today = dt.date.today()
    for gap in scoring.gaps(assessment.questions, assessment.answers):
        session.add(Finding(
            vendor_id=assessment.vendor_id, assessment_id=assessment.id, question_id=gap["question_id"][:60],
            title=f"{gap['question_id']}: {gap['text']}"[:300], severity=gap["severity"], status="open",
            detail=f"Answered 'no' in {assessment.questionnaire} ({gap['section']}). Requirements: "
                   f"{', '.join(gap['controls']) or '-'}.",
            due_date=today + dt.timedelta(days=FINDING_DAYS[gap["severity"]]),
            org_unit_id=assessment.org_unit_id))  # fmt: skip
    if assessment.link_id is not None:
        links.revoke_link(session, assessment.link_id)  # single use: the answers are final


def add_evidence(session: Session, token: str, question_id: str, data: bytes, filename: str) -> Document:
    """Attach an evidence file to one question of the assessment the token opens."""
    assessment = open_public(session, token)
    if assessment.status in ("submitted", "reviewed"):
        raise Conflict("this questionnaire was already submitted")
    if question_id not in {q["id"] for q in assessment.questions}:
        raise InvalidInput.one("question_id", "no such question")
    doc = make_document(data, filename, kind="evidence", vendor_id=assessment.vendor_id, assessment_id=assessment.id,
                        question_id=question_id, org_unit_id=assessment.org_unit_id)  # fmt: skip
    return VendorsRepository(session, Document).add(doc)


def evidence_of(session: Session, assessment: Assessment) -> dict[str, list[Document]]:
    """Return the evidence files of an assessment by question id."""
    out: dict[str, list[Document]] = {}
    for doc in repo.documents_of(session, assessment.vendor_id):
        if doc.assessment_id == assessment.id:
            out.setdefault(doc.question_id, []).append(doc)
    return out


def to_read(assessment: Assessment) -> dict[str, Any]:
    """Return the output fields of an assessment, with progress counts."""
    answered = sum(1 for a in (assessment.answers or {}).values() if a.get("answer"))
    fields = ("id", "vendor_id", "questionnaire", "status", "contact_email", "expires_at", "submitted_at", "scores",
              "org_unit_id", "created_at")  # fmt: skip
    return {**{f: getattr(assessment, f) for f in fields}, "question_count": len(assessment.questions),
            "answered": answered}  # fmt: skip
