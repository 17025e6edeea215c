"""ASVS V1.2.2: every URL a user may store (a course link, an evidence link) is http or https; script and data
schemes, disguised or not, are refused at the API, so no page can ever render them as a link."""

from __future__ import annotations

import uuid

import pytest

from tests.support.live import Live

HOSTILE = [
    "javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)", "file:///etc/passwd",
    "java\nscript:alert(1)",
]  # fmt: skip


@pytest.mark.asvs("V1.2.2")
def test_stored_links_accept_only_web_schemes(live: Live) -> None:
    unit = str(live.units["root"])
    forms = {
        "/api/v1/training/courses": lambda url: {"title": f"Course {uuid.uuid4().hex[:6]}", "url": url,
                                                 "org_unit_id": unit},
        "/api/v1/compliance/evidence": lambda url: {"kind": "link", "title": f"Evidence {uuid.uuid4().hex[:6]}",
                                                    "url": url, "org_unit_id": unit},
    }  # fmt: skip
    with live.client("admin") as api:
        for path, body in forms.items():
            for url in HOSTILE:
                response = api.post(path, json=body(url))
                assert response.status_code == 422 and "url" in response.text, (path, url, response.status_code)
            accepted = api.post(path, json=body("https://learning.example/course?id=1&lang=en"))
            assert accepted.status_code == 201, (path, accepted.text)
            assert accepted.json()["url"] == "https://learning.example/course?id=1&lang=en"
