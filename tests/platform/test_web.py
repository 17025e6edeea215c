"""Pages: escaping of user text, no open redirects, friendly errors, navigation filtered by permission."""

from __future__ import annotations

import pytest

from tandem.platform.web.render import safe_next
from tests.support.live import Live

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.mark.asvs("V1.2.1")
def test_user_text_is_escaped_in_pages(live: Live) -> None:
    with live.client("admin") as client:
        assert (
            client.post("/api/v1/auth/org-units", json={"name": XSS, "parent_id": str(live.units["it"])}).status_code
            == 201
        )
    page = live.login("admin-user").get("/admin/org-units").text
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.asvs("V3.7.2")
@pytest.mark.parametrize(
    "target", ["//evil.example", "/\\evil.example", "https://evil.example", "https:evil.example", "javascript:alert(1)"]
)
def test_next_parameter_never_leaves_the_site(target: str) -> None:
    assert safe_next(target) == "/home"


def test_next_parameter_keeps_local_paths() -> None:
    assert safe_next("/audit?action=create") == "/audit?action=create"


def test_signed_out_browser_is_sent_to_sign_in_with_next(live: Live) -> None:
    with live.client() as client:
        response = client.get("/audit?action=auth.login")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/audit%3Faction%3Dauth.login"


def test_friendly_error_pages(live: Live) -> None:
    viewer = live.login("viewer-user")
    missing = viewer.get("/jobs/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "<h1>Not found</h1>" in missing.text
    denied = viewer.get("/audit")
    assert denied.status_code == 403 and "<h1>Not allowed</h1>" in denied.text
    bad = viewer.get("/jobs/not-a-uuid")
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]


def test_navigation_shows_only_what_the_role_may_open(live: Live) -> None:
    viewer_page = live.login("viewer-user").get("/home/joint").text
    auditor_page = live.login("auditor-user").get("/home/joint").text
    assert 'href="/audit"' not in viewer_page and 'href="/audit"' in auditor_page
    assert 'href="/admin/users"' not in viewer_page


def test_plotly_is_served_from_the_package(live: Live) -> None:
    with live.client() as client:
        response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200 and len(response.content) > 1_000_000
    assert response.headers["content-type"].startswith("text/javascript")


def test_static_files_do_not_traverse(live: Live) -> None:
    with live.client() as client:
        for path in ("/static/..%2Fconfig.py", "/static/.env", "/static/app.py"):
            assert client.get(path).status_code == 404


def test_flash_message_goes_before_the_fragment() -> None:
    from tandem.platform.web.render import redirect

    assert redirect("/a?x=1#row-3", "Saved.").headers["location"] == "/a?x=1&flash=Saved.#row-3"
    assert redirect("/a#top", "Done").headers["location"] == "/a?flash=Done#top"


def test_field_labels_and_money_read_like_words() -> None:
    from tandem.platform.web.render import field_label, money

    assert field_label("it_owner_id") == "IT owner"
    assert field_label("rto_hours") == "RTO hours"
    assert field_label("business_owner_id") == "Business owner"
    assert money({"amount": "1683000", "currency": "USD"}) == "1,683,000 USD"
    assert money({"amount": "12.5", "currency": "EUR"}) == "12.50 EUR"
