"""The course and policy forms of the web UI: a document course created with its file (then replaced from the course
page); a quiz created with its first question, then edited in the question editor with errors shown next to
questions; a policy's owner (by e-mail) and its review."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support.live import Live
from tests.training.test_api import _ok, _unit_with_people
from tests.training.test_documents import HTML_AS_PDF, PDF


def _csrf(client: httpx.Client, path: str) -> str:
    return client.get(path).text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _id(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text[:1500]
    return response.headers["location"].split("?")[0].rsplit("/", 1)[1]


def _document_course(client: httpx.Client, csrf: str) -> None:
    title = f"Clean desk {uuid.uuid4().hex[:6]}"
    data = {"csrf_token": csrf, "title": title, "format": "document", "slots": "1"}
    wrong = client.post("/training/new/course", data=data, files={"file": ("desk.pdf", HTML_AS_PDF, "application/pdf")})
    assert wrong.status_code == 422 and "content is html text but the name says .pdf" in wrong.text
    assert title in wrong.text  # the form keeps what was typed
    created = client.post("/training/new/course", data=data, files={"file": ("desk.pdf", PDF, "application/pdf")})
    course_id = _id(created)
    assert "with+its+document+desk.pdf" in created.headers["location"]
    page = client.get(f"/training/courses/{course_id}").text
    assert f'href="/training/courses/{course_id}/document"' in page and "Replace the document" in page
    bad = client.post(f"/training/courses/{course_id}/document", data={"csrf_token": csrf},
                      files={"file": ("desk.exe", b"MZ\x90\x00" + bytes(200), "application/octet-stream")})  # fmt: skip
    assert bad.status_code == 422 and "allowed: docx" in bad.text
    replaced = client.post(f"/training/courses/{course_id}/document", data={"csrf_token": csrf},
                           files={"file": ("desk-v2.txt", b"Clear your desk.\n", "text/plain")})  # fmt: skip
    assert replaced.status_code == 303 and "Uploaded+desk-v2.txt" in replaced.headers["location"]
    download = client.get(f"/training/courses/{course_id}/document")
    assert download.content == b"Clear your desk.\n" and download.headers["x-content-type-options"] == "nosniff"
    edit = {"csrf_token": csrf, "title": title, "version": "2", "validity_days": "",
            "requirement_refs": "hipaa-security-rule:no-such-ref"}  # fmt: skip
    wrong_ref = client.post(f"/training/courses/{course_id}/edit", data=edit)
    assert wrong_ref.status_code == 422 and "hipaa-security-rule:no-such-ref" in wrong_ref.text
    assert 'class="error"' in wrong_ref.text.split('id="edit-requirement_refs"', 1)[1].split("</p>", 1)[0]
    bumped = client.post(f"/training/courses/{course_id}/edit", data=edit | {"requirement_refs": ""})
    assert bumped.status_code == 303 and "version+2" in bumped.headers["location"]
    assert "<dt>Version</dt><dd>2</dd>" in client.get(f"/training/courses/{course_id}").text


def _slot(n: int, prompt: str, choices: list[str], correct: list[int], remove: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {f"q{n}_prompt": prompt, f"q{n}_choice": choices, f"q{n}_correct": [str(i) for i in correct]}
    return out | ({f"q{n}_remove": "1"} if remove else {})


def _quiz(client: httpx.Client, csrf: str) -> None:
    base = {"csrf_token": csrf, "title": f"Phishing quiz {uuid.uuid4().hex[:6]}", "format": "quiz",
            "pass_mark": "50", "slots": "1"}  # fmt: skip
    unticked = client.post("/training/new/course", data=base | _slot(0, "Report with?", ["Reply", "Report"], []))
    assert unticked.status_code == 422 and "tick at least one correct answer" in unticked.text
    course_id = _id(client.post("/training/new/course",
                                data=base | _slot(0, "Report with?", ["Reply", "Report", ""], [1])))  # fmt: skip
    editor = client.get(f"/training/courses/{course_id}/questions")
    assert editor.status_code == 200 and 'value="Report"' in editor.text and 'name="slots" value="2"' in editor.text

    form = {"csrf_token": csrf, "slots": "2", "pass_mark": "75"}
    wrong = client.post(f"/training/courses/{course_id}/questions",
                        data=form | _slot(0, "Report with?", ["Reply", "Report"], [1])
                        | _slot(1, "PHI includes?", ["Diagnosis", "", "Menu"], [0, 1]))  # fmt: skip
    assert wrong.status_code == 422 and "an answer ticked as correct has no text" in wrong.text
    assert "PHI includes?" in wrong.text  # shown again as typed
    saved = client.post(f"/training/courses/{course_id}/questions",
                        data=form | _slot(0, "Report with?", ["Reply", "Report"], [1], remove=True)
                        | _slot(1, "PHI includes?", ["Diagnosis", "", "Menu", "Record number"], [0, 3]))  # fmt: skip
    assert saved.status_code == 303 and "Saved+1+questions" in saved.headers["location"]
    with_answers = client.get(f"/training/courses/{course_id}").text
    assert "Report with?" not in with_answers and "PHI includes?" in with_answers and "75 %" in with_answers
    assert with_answers.count('<span class="badge">correct</span>') == 2
    empty = client.post(
        f"/training/courses/{course_id}/questions",
        data=form | _slot(0, "", [], []) | _slot(1, "PHI includes?", ["a", "b"], [0], remove=True),
    )
    assert empty.status_code == 422 and "a quiz needs at least one question" in empty.text


def _policy_review(live: Live, client: httpx.Client, csrf: str) -> None:
    _, people = _unit_with_people(live, [("Olga", "Security")])
    with live.client("admin") as api:
        email = _ok(api.get(f"/api/v1/inventory/people/{people['Olga']}"))["email"]
    title = f"Clean desk policy {uuid.uuid4().hex[:6]}"
    unknown = client.post("/training/new/policy", data={"csrf_token": csrf, "title": title,
                                                        "owner": "nobody@acme.example"})  # fmt: skip
    assert unknown.status_code == 422 and "nobody with &#39;nobody@acme.example&#39; in the inventory" in unknown.text
    created = client.post("/training/new/policy", data={"csrf_token": csrf, "title": title, "owner": email,
                                                        "review_date": "2020-01-01"})  # fmt: skip
    assert created.status_code == 303
    page = client.get("/training/policies").text
    row = page.split(title, 1)[1]
    assert "Olga" in row.split("</tr>", 1)[0] and "past review" in row.split("</tr>", 1)[0]
    policy_id = row.split('action="/training/policies/', 1)[1].split("/", 1)[0]
    reviewed = client.post(f"/training/policies/{policy_id}/review",
                           data={"csrf_token": csrf, "owner": email, "review_date": "2031-06-30"})  # fmt: skip
    assert reviewed.status_code == 303 and "next+review+2031-06-30" in reviewed.headers["location"]
    row = client.get("/training/policies").text.split(title, 1)[1].split("</tr>", 1)[0]
    assert "2031-06-30" in row and "past review" not in row


def test_course_and_policy_forms(live: Live) -> None:
    client = live.login("ciso-user")
    try:
        csrf = _csrf(client, "/training/new/course")
        _document_course(client, csrf)
        _quiz(client, csrf)
        _policy_review(live, client, csrf)
    finally:
        client.close()
