"""A real Tandem server on loopback, with an organisation and a user and token for every role."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from tandem.app import create_app
from tandem.platform.auth import service, tokens
from tandem.platform.auth.roles import ROLES
from tandem.platform.config import get_settings
from tandem.platform.db.uow import Database, unit_of_work

PASSWORD = "correct horse battery staple 42"


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    """The running server, its database and the people in it."""

    base_url: str
    db: Database
    units: dict[str, uuid.UUID] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, uuid.UUID] = field(default_factory=dict)

    def client(self, who: str | None = None, **kwargs: Any) -> httpx.Client:
        """Return an HTTP client authenticated as `who` (a role name, or a scoped user), or anonymous."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30, follow_redirects=False, **kwargs)

    def add_user(self, username: str, role: str, unit: str, scopes: list[str] | None = None) -> str:
        """Create a user holding role on unit, with a token; return the token's name in self.tokens."""
        with unit_of_work(self.db) as session:
            user, _ = service.create_user(session, None, username, password=PASSWORD)
            service.grant_role(session, None, user.id, role, self.units[unit])
            _, secret = tokens.new_token(session, user, "tests", scopes or ["*:write"], None)
            self.users[username] = user.id
        self.tokens[username] = secret
        return username

    def login(self, username: str, password: str = PASSWORD) -> httpx.Client:
        """Return a client signed in through the web form (session cookie + CSRF)."""
        client = httpx.Client(base_url=self.base_url, timeout=30, follow_redirects=False)
        page = client.get("/login").text
        csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/login", data={"csrf_token": csrf, "username": username, "password": password, "next": "/home"}
        )
        assert response.status_code == 303, response.text
        return client


def build_org(live: Live) -> None:
    """Acme: a root with IT and Finance (Finance › Payroll); one user per role on the root, plus scoped users."""
    with unit_of_work(live.db) as session:
        root = service.create_unit(session, None, "Acme", None)
        it = service.create_unit(session, None, "IT", root.id)
        finance = service.create_unit(session, None, "Finance", root.id)
        payroll = service.create_unit(session, None, "Payroll", finance.id)
        live.units.update(root=root.id, it=it.id, finance=finance.id, payroll=payroll.id)
    for role in ROLES:
        live.add_user(f"{role}-user", role, "root")
        live.tokens[role] = live.tokens[f"{role}-user"]
    live.add_user("finance-admin", "admin", "finance")
    live.add_user("finance-viewer", "viewer", "finance")
    live.add_user("reader-token", "admin", "root", scopes=["*:read"])


def start(db: Database) -> tuple[Live, uvicorn.Server, threading.Thread]:
    """Start uvicorn in a thread against db and wait until it answers."""
    port = free_port()
    app = create_app(get_settings(), db)
    # Like `tandem serve`: no X-Forwarded-* trusted, so a client cannot choose the address the audit records.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    live = Live(f"http://127.0.0.1:{port}", db)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{live.base_url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    build_org(live)
    return live, server, thread
