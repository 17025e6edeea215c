"""Secrets never reach a log record or the audit log: every flow that handles one runs with DEBUG logging on.

Flows: password sign-in and change, MFA enrolment, TOTP and recovery-code sign-in, API token creation and use,
vendor and training secret links (issued and opened), and single sign-on with a client secret.
"""

from __future__ import annotations

import re
import secrets
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
import pytest

from tandem.platform.auth import oidc
from tandem.platform.config import get_settings
from tests.security.logcapture import Secret, audit_text, captured_logs, leaks
from tests.support.live import PASSWORD, Live
from tests.support.oidc_provider import Provider, start

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")
PROVIDER_ACCESS_TOKEN = re.compile(r"\bat-[A-Za-z0-9_-]{20,}")


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, response.text[:1000]
    return response


@contextmanager
def _provider() -> Iterator[Provider]:
    """A real OIDC provider on loopback with Tandem's client secret configured for it."""
    provider, server, thread = start()
    port = urllib.parse.urlsplit(provider.issuer).port
    env = {
        "TANDEM_OIDC_ISSUER": provider.issuer, "TANDEM_OIDC_CLIENT_ID": provider.client_id,
        "TANDEM_OIDC_CLIENT_SECRET": provider.client_secret, "TANDEM_OIDC_ALLOW_SIGNUP": "true",
        "TANDEM_OIDC_GROUP_ROLES": "tandem-admins=viewer@/", "TANDEM_OUTBOUND_ALLOW_HOSTS": f"127.0.0.1:{port}",
    }  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        oidc.clear_cache()
        try:
            yield provider
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    get_settings.cache_clear()
    oidc.clear_cache()


def _password_and_mfa(live: Live, name: str, found: list[Secret]) -> None:
    """Change the password by API, sign in with it, enrol MFA, then sign in with a TOTP and a recovery code."""
    new_password = f"Sec-{secrets.token_urlsafe(18)}"
    found.append(Secret("new password", new_password))
    with live.client(name) as client:
        body = {"current_password": PASSWORD, "new_password": new_password}
        _ok(client.post("/api/v1/auth/me/password", json=body), 204)
    browser = live.login(name, new_password)
    page = _ok(browser.post("/account/mfa/enrol", data={"csrf_token": _csrf(browser.get("/account/mfa").text)}))
    seed = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page.text)
    assert seed, page.text[:500]
    totp = pyotp.TOTP(seed.group(1))
    enrol_code = totp.now()
    done = _ok(browser.post("/account/mfa/confirm", data={"csrf_token": _csrf(page.text), "code": enrol_code}))
    codes = re.findall(r'class="recovery-code">([a-z0-9-]+)<', done.text)
    assert len(codes) >= 2
    found += [Secret("TOTP seed", seed.group(1)), Secret("TOTP code", enrol_code)]
    found += [Secret("recovery code", code) for code in codes]
    for second in (totp.at(time.time() + 30), codes[0]):
        if second.isdigit():
            found.append(Secret("TOTP code", second))
        signin = httpx.Client(base_url=live.base_url, timeout=30, follow_redirects=False)
        step = signin.post("/login", data={"csrf_token": _csrf(signin.get("/login").text), "username": name,
                                           "password": new_password})  # fmt: skip
        assert step.headers.get("location") == "/login/mfa", step.text[:500]
        form = {"csrf_token": _csrf(signin.get("/login/mfa").text), "code": second}
        assert _ok(signin.post("/login/mfa", data=form), 303).headers["location"] == "/home"
        signin.close()


def _api_token(live: Live, name: str, found: list[Secret]) -> None:
    """Create a token through the API and use it."""
    with live.client(name) as client:
        created = _ok(client.post("/api/v1/auth/tokens", json={"name": "ci", "scopes": ["*:read"]}), 201).json()
    found.append(Secret("API token", created["token"]))
    headers = {"Authorization": f"Bearer {created['token']}"}
    _ok(httpx.get(f"{live.base_url}/api/v1/auth/me", headers=headers, timeout=30))


def _secret_links(live: Live, found: list[Secret]) -> list[str]:
    """Issue a vendor questionnaire link and a training link, and open both; return their paths."""
    with live.client("admin") as admin:
        vendor = _ok(
            admin.post(
                "/api/v1/inventory/vendors",
                json={"name": f"Vendor {uuid.uuid4().hex[:8]}", "country": "US", "org_unit_id": str(live.units["it"])},
            ),
            201,
        )
        sent = _ok(admin.post("/api/v1/vendors/assessments", json={"vendor_id": vendor.json()["id"]}), 201).json()
        person = _ok(
            admin.post(
                "/api/v1/inventory/people",
                json={
                    "full_name": "Link Holder",
                    "email": f"holder.{uuid.uuid4().hex[:6]}@acme.example",
                    "department": "IT",
                    "org_unit_id": str(live.units["it"]),
                },
            ),
            201,
        ).json()
        course = _ok(
            admin.post(
                "/api/v1/training/courses",
                json={
                    "title": f"Basics {uuid.uuid4().hex[:6]}",
                    "format": "quiz",
                    "pass_mark": 100,
                    "questions": [{"prompt": "Report a phish with?", "choices": ["Reply", "Report"], "correct": [1]}],
                    "org_unit_id": str(live.units["it"]),
                },
            ),
            201,
        ).json()
        program = _ok(admin.post("/api/v1/training/programs", json={
            "title": "Basics", "course_ids": [course["id"]], "audience": [{"kind": "all"}],
            "org_unit_id": str(live.units["it"])}), 201).json()  # fmt: skip
        assignments = admin.get("/api/v1/training/assignments", params={"program_id": program["id"]}).json()
        mine = next(a for a in assignments["items"] if a.get("person_id") == person["id"])
        link = _ok(admin.post(f"/api/v1/training/assignments/{mine['id']}/link"), 201).json()
    paths = [urllib.parse.urlsplit(sent["link"]).path, urllib.parse.urlsplit(link["url"]).path]
    for path in paths:
        found.append(Secret("secret link", path.rsplit("/", 1)[1].split(".", 1)[1]))
        with live.client() as anonymous:
            _ok(anonymous.get(path))
    return paths


def _single_sign_on(live: Live, idp: Provider, found: list[Secret]) -> None:
    """Sign in through the provider; the client secret, the code and the provider's tokens must stay unlogged."""
    found.append(Secret("OIDC client secret", idp.client_secret))
    idp.identity.sub, idp.identity.groups = f"sec-{uuid.uuid4().hex[:8]}", ["tandem-admins"]
    browser = httpx.Client(base_url=live.base_url, timeout=30, follow_redirects=False)
    page = browser.get("/login").text
    started = _ok(browser.post("/login/sso", data={"csrf_token": _csrf(page), "next": "/home"}), 303)
    callback = _ok(browser.get(started.headers["location"]), 302).headers["location"]
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(callback).query)["code"][0]
    found.append(Secret("OIDC authorization code", code))
    _ok(browser.get(callback), 303)
    browser.close()


@dataclass
class Observed:
    """What the flows produced: the secrets they handled, every log record, every audit entry."""

    secrets: list[Secret]
    logs: list[tuple[str, str]]
    audit: list[str]

    def problems(self) -> list[tuple[str, str, str]]:
        """Return (secret kind, where, excerpt) for every leak, JWTs and provider tokens included."""
        found = leaks(self.secrets, self.logs, self.audit)
        for logger, line in self.logs:
            if JWT.search(line):
                found.append(("ID token (JWT)", logger, line[:300]))
            if PROVIDER_ACCESS_TOKEN.search(line):
                found.append(("provider access token", logger, line[:300]))
        return found


@pytest.fixture(scope="module")
def observed(live: Live) -> Observed:
    """Run every secret-handling flow once per backend with DEBUG logging captured."""
    found: list[Secret] = [Secret("password", PASSWORD)]
    with _provider() as idp, captured_logs() as logs:
        name = live.add_user(f"sec-secrets-{uuid.uuid4().hex[:6]}", "viewer", "root")
        found.append(Secret("API token", live.tokens[name]))
        _password_and_mfa(live, name, found)
        _api_token(live, name, found)
        _secret_links(live, found)
        _single_sign_on(live, idp, found)
    return Observed(found, list(logs), audit_text(live.db))


@pytest.mark.asvs("V16.2.5")
def test_no_secret_reaches_a_log_record_or_the_audit_log(observed: Observed) -> None:
    assert len(observed.logs) > 50, "the capture saw too little to prove anything"
    assert {logger.split(".")[0] for logger, _ in observed.logs} >= {"sqlalchemy", "uvicorn"}
    assert {s.kind for s in observed.secrets} >= {"password", "new password", "TOTP seed", "TOTP code",
                                                  "recovery code", "API token", "secret link",
                                                  "OIDC client secret", "OIDC authorization code"}  # fmt: skip
    # uvicorn's access line carries the request target: link secrets (/p/…) and the SSO callback's ?code=…
    # must be redacted there (platform/api/accesslog.py) like everywhere else.
    assert any(logger == "uvicorn.access" and "/p/" in line for logger, line in observed.logs), "no access line seen"
    problems = observed.problems()
    assert problems == [], "\n".join(" | ".join(p) for p in problems)
