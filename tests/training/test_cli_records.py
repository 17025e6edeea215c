"""`tandem training courses|programs|policies|complete|link` in-process against a migrated database: records added,
listed, changed and deleted by hand; bad input is one located error, never a partial write."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tandem.platform.auth import service as auth
from tandem.platform.db.uow import Database, set_database, unit_of_work
from tandem.platform.errors import InvalidInput, NotFound
from tandem.training import cli
from tandem.training.models import Completion, Course
from tests.support.live import Live
from tests.training.conftest import make_person


@pytest.fixture
def cli_db(live: Live) -> Any:
    # The live server's database: what the CLI commits there stays inside this test's own org unit, whereas the
    # `db` fixture's database is shared with rolled-back service tests that count people by department.
    set_database(live.db)
    try:
        yield live.db
    finally:
        set_database(None)


def _run(*args: str) -> Any:
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _fails(*args: str) -> BaseException:
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exit_code != 0 and result.exception is not None, result.output
    return result.exception


def _people(db: Database, tag: str) -> dict[str, str]:
    with unit_of_work(db) as session:
        root = auth.root_unit(session) or auth.create_unit(session, None, "Acme", None)
        unit = auth.create_unit(session, None, f"Ward-{tag}", root.id)
        out = {}
        for name, dept in ((f"Ana {tag}", "Clinical"), (f"Ben {tag}", "IT")):
            out[name.split()[0].lower()] = make_person(session, unit.id, name, dept).email
    return out


def test_courses_programs_completions_and_links(cli_db: Database, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    people = _people(cli_db, tag)
    course, quiz = f"Privacy {tag}", f"Phish quiz {tag}"
    _run("courses", "add", course, "--url", "https://lms.example.org/1", "--validity-days", "365")
    bad = _fails("courses", "add", f"x{tag}", "--kind", "poster")
    assert isinstance(bad, InvalidInput) and bad.errors[0].location == "--kind"
    assert isinstance(_fails("courses", "add", quiz, "--kind", "quiz"), InvalidInput)  # a quiz needs questions
    questions = tmp_path / "q.json"
    questions.write_text(json.dumps([{"prompt": "Report with?", "choices": ["Reply", "Button"], "correct": [1]}]))
    _run("courses", "add", quiz, "--kind", "quiz", "--questions", str(questions))
    listed = json.loads(_run("courses", "list", "--format", "json").stdout)
    assert {"title": course, "format": "link", "version": "1", "validity_days": 365}.items() <= next(
        r for r in listed if r["title"] == course
    ).items()

    program = f"Clinical {tag}"
    none = _fails("programs", "add", program, "--course", course)
    assert isinstance(none, InvalidInput) and none.errors[0].location == "audience"
    missing = _fails("programs", "add", program, "--course", f"nope {tag}", "--all-staff")
    assert isinstance(missing, NotFound)
    added = _run("programs", "add", program, "--course", course, "--course", quiz, "--department", "Clinical",
                 "--unit", f"Ward-{tag}")  # fmt: skip
    assert "department" in added.stdout.lower()
    rows = json.loads(_run("programs", "list", "--format", "json").stdout)
    mine = next(r for r in rows if r["title"] == program)
    assert mine["active"] is True and course in mine["courses"] and quiz in mine["courses"]

    done = _run("complete", people["ana"], course, "--date", "2026-03-02", "--score", "91")
    assert "completed" in done.stdout
    assert isinstance(_fails("complete", people["ana"], course, "--date", "2026-13-02"), InvalidInput)
    assert isinstance(_fails("complete", f"nobody{tag}@acme.example", course), InvalidInput)
    with unit_of_work(cli_db, readonly=True) as session:
        course_id = session.scalar(select(Course.id).where(Course.title == course))
        got = list(session.scalars(select(Completion).where(Completion.course_id == course_id)))
        assert [(c.score, c.passed, c.source, c.completed_at.date().isoformat()) for c in got] == [
            (91.0, True, "entered", "2026-03-02")
        ]

    link = _run("link", "--person", people["ana"], "--course", quiz)
    assert "/p/training/quiz/" in link.stdout and people["ana"] in link.stdout
    nolink = _fails("link", "--person", people["ben"], "--course", quiz)  # IT: not in the audience
    assert isinstance(nolink, InvalidInput) and "no open assignment" in nolink.errors[0].reason
    assert isinstance(_fails("link"), InvalidInput)

    _run("programs", "deactivate", program)
    rows = json.loads(_run("programs", "list", "--format", "json").stdout)
    assert next(r for r in rows if r["title"] == program)["active"] is False
    assert isinstance(_fails("link", "--person", people["ana"], "--course", quiz), InvalidInput)  # closed now
    refused = _fails("programs", "delete", program)
    assert isinstance(refused, InvalidInput) and refused.errors[0].location == "--yes"
    _run("programs", "delete", program, "--yes")
    _run("courses", "delete", course, "--yes")
    assert course not in _run("courses", "list").stdout
    assert program not in _run("programs", "list").stdout


def test_policies_by_hand(cli_db: Database) -> None:
    tag = uuid.uuid4().hex[:6]
    people = _people(cli_db, tag)
    title = f"AUP {tag}"
    owner = _fails("policies", "add", title, "--owner", f"ghost{tag}@acme.example")
    assert isinstance(owner, InvalidInput) and owner.errors[0].location == "--owner"
    _run("policies", "add", title, "--owner", people["ben"], "--review-date", "2020-01-01", "--unit", f"Ward-{tag}")
    listed = json.loads(_run("policies", "list", "--format", "json").stdout)
    row = next(r for r in listed if r["title"] == title)
    assert (row["owner"], row["past review"], row["version"]) == (people["ben"], "yes", "")
    early = _fails("policies", "acknowledge", title, people["ana"])
    assert isinstance(early, InvalidInput) and "no acknowledgement campaign" in early.errors[0].reason
    published = _run("policies", "publish", title, "--summary", "First", "--ack-by", "2030-01-01")
    assert "version 1" in published.stdout and "2 people asked" in published.stdout
    _run("policies", "acknowledge", title, people["ana"], "--date", "2026-04-01")
    acks = json.loads(_run("policies", "ack-status", "--format", "json").stdout)
    assert next(r for r in acks if r["policy"] == title)["acknowledged"] == 1
    _run("policies", "delete", title, "--yes")
    assert title not in _run("policies", "list").stdout
