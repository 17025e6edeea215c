"""Read Users and Groups from a SCIM 2.0 endpoint (paged, read-only, through the outbound URL guard) and apply
them as the system's accounts, entitlements and assignments."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from sqlalchemy.orm import Session

from tandem.access import imports
from tandem.access.importers import ParseFailed
from tandem.access.importers.scim import parse_page, snapshot
from tandem.access.settings import get_access_settings
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.errors import FieldError, InvalidInput
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.urls import check_url

MAX_PAGES = 1000


def _get(client: httpx.Client, url: str, token: str, max_bytes: int) -> bytes:
    """GET one page from the checked, pinned address (no redirects), with a size cap."""
    target = check_url(url, get_settings().allow_hosts())
    headers = {"Host": target.host_header, "Accept": "application/scim+json, application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with client.stream("GET", target.connect_url, headers=headers, extensions=extensions) as response:
        if response.status_code != 200:
            raise InvalidInput.one("url", f"{url} answered HTTP {response.status_code}")
        body, total = [], 0
        for chunk in response.iter_raw():
            total += len(chunk)
            if total > max_bytes:
                raise InvalidInput.one("url", f"{url} sent more than {max_bytes} bytes")
            body.append(chunk)
    return b"".join(body)


def read_all(base_url: str, resource: str, token: str = "") -> list[dict[str, Any]]:
    """Return every resource of a type, following startIndex/count paging."""
    settings = get_access_settings()
    out: list[dict[str, Any]] = []
    start, deadline = 1, time.monotonic() + 300
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=30) as client:
        for _ in range(MAX_PAGES):
            url = f"{base_url.rstrip('/')}/{resource}?startIndex={start}&count={settings.scim_page_size}"
            try:
                page = parse_page(_get(client, url, token or settings.scim_token, settings.scim_max_bytes), url)
            except UnsafeInput as exc:
                raise InvalidInput.one("url", str(exc)) from None
            except ParseFailed as exc:
                raise InvalidInput([FieldError(loc, why) for loc, why in exc.errors]) from None
            except httpx.HTTPError as exc:
                raise InvalidInput.one("url", f"could not read {url}: {exc}") from None
            out.extend(page.resources)
            start = page.start + len(page.resources)
            if not page.resources or start > page.total or time.monotonic() > deadline:
                break
    return out


def sync(
    session: Session,
    principal: Principal | None,
    base_url: str,
    system: str,
    unit_id: uuid.UUID | None = None,
    token: str = "",
) -> dict[str, Any]:
    """Import the endpoint's Users and Groups as one system's accounts, entitlements and assignments."""
    users, groups = read_all(base_url, "Users", token), read_all(base_url, "Groups", token)
    try:
        snap = snapshot(system, users, groups)
    except ParseFailed as exc:
        raise InvalidInput([FieldError(loc, why) for loc, why in exc.errors]) from None
    source = f"SCIM {base_url}"
    runs = [
        imports.apply_rows(session, principal, kind, rows, source, unit_id)
        for kind, rows in (
            ("accounts", snap.accounts),
            ("entitlements", snap.entitlements),
            ("assignments", snap.assignments),
        )
    ]
    return {"users": len(users), "groups": len(groups), "imports": [{"kind": r.kind, **r.counts} for r in runs]}
