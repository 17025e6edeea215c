"""Prove at start-up that the PostgreSQL server authenticates Tandem (ASVS V13.2.1).

A server whose pg_hba.conf says `trust` for Tandem's host lets anyone who can reach the port in as Tandem's role, with
no password at all. The probe opens one extra connection with the configured user and a random wrong password: a
server that requires a password refuses it; one that lets it in did not authenticate Tandem, unless it identified the
client another way (the OS account over a unix socket, a client certificate, Kerberos).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from tandem.platform.config import Settings
from tandem.platform.db.uow import Database
from tandem.platform.errors import Conflict

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("tandem.db")
CONNECT_TIMEOUT_S = 5
SQLSTATE_REFUSED = "28P01"  # SQLSTATE invalid_password: the server asked for a password and refused ours

Verdict = Literal["password", "os_identity", "certificate", "kerberos", "none", "unknown", "not_applicable"]


@dataclass(frozen=True)
class Probe:
    """What the wrong-password probe found out about the database link."""

    verdict: Verdict
    target: str  # user@host:port/db, never a password
    detail: str = ""

    @property
    def authenticated(self) -> bool:
        """Return whether the server proved it identifies Tandem (or there is no link to authenticate)."""
        return self.verdict != "none"


def probe(db: Database) -> Probe:
    """Connect once with the configured user and a random wrong password and say how the server reacted."""
    if db.engine.dialect.name != "postgresql":
        return Probe("not_applicable", "", "SQLite is a local file: there is no link to authenticate")
    import psycopg  # only PostgreSQL deployments pay for importing the driver here

    _, params = db.engine.dialect.create_connect_args(db.engine.url)
    params = {k: v for k, v in params.items() if k != "context"}
    target = _target(params)
    params.update(password=secrets.token_urlsafe(24), connect_timeout=CONNECT_TIMEOUT_S, autocommit=True)
    try:
        conn = psycopg.connect(**params)
    except psycopg.Error as exc:
        if _refused_password(exc):
            return Probe("password", target, "a wrong password was refused")
        # Unreachable server, unknown role, no pg_hba entry…: the real connection reports it in its own words.
        return Probe("unknown", target, str(exc).strip())
    with conn:
        verdict, detail = _how_identified(conn)
    return Probe(verdict, target, detail)


def _target(params: dict[str, Any]) -> str:
    host = params.get("host") or "(default socket)"
    return f"{params.get('user') or '(OS user)'}@{host}:{params.get('port') or 5432}/{params.get('dbname') or ''}"


def _refused_password(exc: psycopg.Error) -> bool:
    # libpq does not always carry the SQLSTATE of a failed connection; the message is the server's (English unless
    # lc_messages says otherwise), so both are looked at.
    return exc.sqlstate == SQLSTATE_REFUSED or "password authentication failed" in str(exc)


def _how_identified(conn: psycopg.Connection[Any]) -> tuple[Verdict, str]:
    """Return how a server that accepted a wrong password identified the client."""
    host = conn.info.host
    if host.startswith(("/", "@")):
        return "os_identity", f"unix socket {host}: the server identifies the OS account (peer)"
    dn = _own_row(conn, "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    if dn:
        return "certificate", f"client certificate {dn}"
    if conn.info.server_version >= 120000 and _own_row(
        conn, "SELECT gss_authenticated FROM pg_stat_gssapi WHERE pid = pg_backend_pid()"
    ):
        return "kerberos", "GSSAPI (Kerberos) authentication"
    return "none", "a random wrong password was accepted over TCP"


def _own_row(conn: psycopg.Connection[Any], query: str) -> Any:
    """Return the first column of this connection's row in a statistics view, or None where it cannot be read."""
    import psycopg

    try:
        row = conn.execute(query).fetchone()
    except psycopg.Error:  # a connection pooler in between may not offer the view: nothing proven
        return None
    return row[0] if row else None


def refusal(found: Probe) -> str:
    """Return the one-paragraph explanation given when the server does not authenticate Tandem."""
    return (
        f"the PostgreSQL server lets {found.target} in without checking a password: a connection with a random wrong "
        "password was accepted over TCP, so pg_hba.conf says `trust` (or `ident`) for this host and anyone who can "
        "reach the port can act as Tandem's role. Require a password for Tandem's connections: in pg_hba.conf use "
        "`host <db> <role> <address> scram-sha-256` (or `hostssl … cert` for client certificates), give the role a "
        "password (`ALTER ROLE … PASSWORD …`), put it in TANDEM_DATABASE_URL or ~/.pgpass, and reload PostgreSQL. "
        "For a development database on this machine, TANDEM_DATABASE_REQUIRE_AUTH=false starts anyway with a warning."
    )


def require_authenticated_link(db: Database, settings: Settings) -> Probe:
    """Refuse to start when the PostgreSQL server does not authenticate Tandem (warn only when the setting allows)."""
    found = probe(db)
    if found.verdict == "unknown":
        log.warning("could not check that the database %s authenticates Tandem: %s", found.target, found.detail)
    elif found.authenticated and found.verdict != "not_applicable":
        log.info("database %s authenticates Tandem: %s", found.target, found.detail)
    if found.authenticated:
        return found
    if settings.database_require_auth:
        raise Conflict(refusal(found))
    log.warning(
        "the PostgreSQL server accepts %s without a password (trust); starting because "
        "TANDEM_DATABASE_REQUIRE_AUTH=false — never run a production database like this",
        found.target,
    )
    return found
