"""In a real browser: a person passes a quiz and confirms reading a course document from their secret links, and the
CISO's training charts draw, with no console error or CSP violation on any page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.support.live import PASSWORD, Live

BASE = "/api/v1/training"


def _setup(live: Live) -> tuple[str, str]:
    """Create a person, a quiz, a document course and programs through the API; return the person's two tokens."""
    with live.client("admin") as client:
        body = {"name": f"Ward {uuid.uuid4().hex[:6]}", "parent_id": str(live.units["root"])}
        unit = client.post("/api/v1/auth/org-units", json=body).json()["id"]
        person = {"full_name": "Ana Lopez", "email": f"ana.{uuid.uuid4().hex[:6]}@acme.example", "org_unit_id": unit}
        assert client.post("/api/v1/inventory/people", json=person).status_code == 201
        course = client.post(f"{BASE}/courses", json={
            "title": "Security basics", "format": "quiz", "pass_mark": 100, "org_unit_id": unit,
            "questions": [{"prompt": "Report a phish with?", "choices": ["Reply", "The Report button"],
                           "correct": [1]}]}).json()  # fmt: skip
        program = client.post(
            f"{BASE}/programs",
            json={"title": "Basics", "course_ids": [course["id"]], "audience": [{"kind": "all"}], "org_unit_id": unit},
        ).json()
        [assignment] = client.get(f"{BASE}/assignments", params={"program_id": program["id"]}).json()["items"]
        link = client.post(f"{BASE}/assignments/{assignment['id']}/quiz-link").json()
        doc = client.post(f"{BASE}/courses", json={"title": "Clean desk", "format": "document",
                                                   "org_unit_id": unit}).json()  # fmt: skip
        client.post(f"{BASE}/courses/{doc['id']}/document", files={"file": ("desk.txt", b"Clear it.\n", "text/plain")})
        program = client.post(
            f"{BASE}/programs",
            json={"title": "Desk", "course_ids": [doc["id"]], "audience": [{"kind": "all"}], "org_unit_id": unit},
        ).json()
        [assignment] = client.get(f"{BASE}/assignments", params={"program_id": program["id"]}).json()["items"]
        doc_link = client.post(f"{BASE}/assignments/{assignment['id']}/link").json()
    return str(link["url"]).rsplit("/", 1)[1], str(doc_link["url"]).rsplit("/", 1)[1]


@pytest.mark.parametrize("live", ["sqlite"], indirect=True)
def test_quiz_from_secret_link_and_ciso_charts(browser: Browser, live: Live) -> None:
    token, doc_token = _setup(live)
    context = browser.new_context(base_url=live.base_url)
    problems: list[Any] = []
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"/p/training/quiz/{token}")
    page.get_by_label("The Report button").check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("You passed with 100.0 %").wait_for()
    page.goto(f"/p/training/document/{doc_token}")
    page.get_by_role("link", name="Download desk.txt").wait_for()
    page.get_by_role("button", name="I have read and understood it").click()
    page.get_by_text("your confirmation that you read and understood").wait_for()

    page.goto("/login")
    page.get_by_label("User name").fill("ciso-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)  # let the sign-in finish before navigating away
    page.goto("/home/ciso")
    page.locator("#training-panel-dept .main-svg").first.wait_for()
    page.goto("/training")
    page.locator("#training-trend .main-svg").first.wait_for()
    context.close()
    assert problems == []
