"""The facts behind security/asvs-not-applicable.csv: a requirement is marked N/A only while its condition stays
false, and these tests fail the day it becomes true (a rich-text field, an IdP access token on the API, a back-channel
logout or an out-of-band code route)."""

from __future__ import annotations

import base64
import csv
import json
import re
import zlib

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from security import asvs_report
from tandem.platform.documents.pdf import Heading, Paragraph, Table, build_pdf
from tests.support.live import Live

MARKUP = "**bold** <b>bold</b> [click](javascript:alert(1)) <a href='https://evil.example'>x</a>"


def _jwt(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'at+jwt', 'kid': 'k1'})}.{part(claims)}.{'A' * 342}"


def _paths(routes: list[object]) -> list[str]:
    found: list[str] = []
    for route in routes:
        if isinstance(route, Mount):
            found += [route.path + p for p in _paths(list(route.routes))]
        elif isinstance(route, APIRoute | Route):
            found.append(route.path)
        elif hasattr(route, "original_router"):  # newer FastAPI wraps included routers
            found += _paths(list(route.original_router.routes))
    return found


def test_every_not_applicable_entry_names_a_requirement_and_gives_a_reason() -> None:
    ids = {r["id"] for r in asvs_report.load_requirements()}
    with asvs_report.NOT_APPLICABLE.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(row["id"] in ids and len(row["reason"]) > 40 for row in rows), rows


def test_the_api_accepts_no_identity_provider_access_token(live: Live) -> None:
    """V10.3.1/V10.3.2/V10.3.4 apply to APIs that accept IdP access tokens; Tandem's takes only its own."""
    token = _jwt({"iss": "https://idp.example", "aud": "tandem", "sub": "someone", "scope": "openid *:write"})
    with live.client() as api:
        for path in ("/api/v1/auth/me", "/api/v1/inventory/assets"):
            response = api.get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (path, response.status_code)


def test_no_route_takes_a_logout_token_or_sends_an_out_of_band_code(inproc_app: FastAPI) -> None:
    """V10.5.5 (back-channel logout) and V6.6.2 (out-of-band codes) apply only to features Tandem does not have."""
    paths = _paths(list(inproc_app.routes))
    assert len(paths) > 100
    pattern = re.compile(r"back.?channel|logout.?token|magic|one.?time.?code|forgot|reset.?request|sms|otp.?mail", re.I)
    assert [p for p in paths if pattern.search(p)] == []


def test_pdf_text_is_plain_text_never_markup() -> None:
    """V1.3.1 applies to rich text; Tandem's PDFs print what the user typed, character for character."""
    pdf = build_pdf("Markup", [Heading(MARKUP), Paragraph(MARKUP), Table(["a", "b"], [[MARKUP, MARKUP]])])
    assert pdf.startswith(b"%PDF")
    for marker in (b"/URI", b"/Annot", b"/JavaScript", b"/JS", b"/Launch"):
        assert marker not in pdf, marker
    shown = b"".join(zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S))
    printed = MARKUP.replace("(", "\\(").replace(")", "\\)").encode()  # a PDF string escapes its parentheses
    assert b"(" + printed + b") Tj" in shown, shown[:800]  # the paragraph, as typed
