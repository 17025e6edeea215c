"""Settings read from the environment (prefix TANDEM_) with safe defaults."""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every TANDEM_* setting; README lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file, keys and uploads live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite in data_dir.")
    database_require_auth: bool = Field(
        default=True,
        description="Refuse to start when the PostgreSQL server lets Tandem in without a password (trust); "
        "false = warn and start (development only).",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server binds to.")
    port: int = Field(default=8000, description="Port the web server binds to.")
    secret_key: str = Field(default="", description="Pepper for token digests; empty reads data_dir/secret.key.")
    audit_key: str = Field(default="", description="HMAC key for audit checkpoints; empty reads audit.key.")
    audit_checkpoint_dir: Path | None = Field(default=None, description="Where checkpoints are exported.")
    audit_checkpoint_every: int = Field(default=1000, description="Sign a checkpoint every N audit entries.")
    session_idle_minutes: int = Field(default=30, description="Idle timeout of a web session.")
    session_absolute_hours: int = Field(default=12, description="Absolute lifetime of a web session.")
    secure_cookies: bool = Field(default=False, description="Force Secure cookies (always on under HTTPS).")
    login_max_failures: int = Field(default=5, description="Failed logins before a temporary lockout.")
    login_lockout_minutes: int = Field(default=15, description="Length of the temporary lockout.")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, description="Largest request body accepted (JSON and forms).")
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, description="Largest uploaded file accepted (multipart uploads)."
    )
    outbound_allow_hosts: str = Field(default="", description="Comma-separated hosts outbound fetches may reach.")
    outbound_allowlist: str = Field(
        default="",
        description="Comma-separated hosts or domains (`*.example.org`) outbound requests are limited to; "
        "empty = any public host.",
    )
    trusted_proxies: str = Field(default="", description="Comma-separated proxy IPs whose X-Forwarded-For counts.")
    dask_scheduler: str = Field(
        default="",
        description="Address of a Dask scheduler (`tls://host:port`, or `tcp://` on loopback only); empty = local.",
    )
    worker_poll_seconds: float = Field(default=1.0, description="How often an idle worker looks for jobs.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log line format: `text`, or `json` for one JSON object per line."
    )
    denials_per_minute: int = Field(
        default=120, ge=1, description="Most `authz.denied` audit entries a server process writes a minute per caller."
    )
    one_time_password_hours: int = Field(
        default=72, ge=1, description="How long a one-time password (new user, admin reset) signs in."
    )
    mfa_challenge_minutes: int = Field(
        default=5, ge=1, description="How long the second sign-in step (TOTP or recovery code) waits."
    )
    sso_request_minutes: int = Field(default=10, ge=1, description="How long a started SSO sign-in stays valid.")
    link_max_days: int = Field(default=180, ge=1, description="Longest lifetime a public link may be given.")
    public_requests_per_minute: int = Field(
        default=30, description="Requests per minute one address may make to public link pages."
    )
    smtp_host: str = Field(default="", description="SMTP server for reminders and alerts; empty sends no e-mail.")
    smtp_port: int = Field(default=25, description="SMTP server port.")
    smtp_from: str = Field(default="tandem@localhost", description="Sender address of Tandem's e-mail.")
    smtp_user: str = Field(default="", description="SMTP login; empty means no authentication.")
    smtp_password: str = Field(default="", description="SMTP password.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_timeout_s: float = Field(default=10.0, description="Timeout of one SMTP conversation, in seconds.")
    mfa_required_roles: str = Field(
        default="admin,ciso,cio", description="Roles that must use MFA; `tandem init` writes it into the database."
    )
    oidc_issuer: str = Field(default="", description="OpenID Connect issuer URL; empty turns single sign-on off.")
    oidc_client_id: str = Field(default="", description="Client id registered at the identity provider.")
    oidc_client_secret: str = Field(default="", description="Client secret registered at the identity provider.")
    oidc_group_roles: str = Field(
        default="", description="Group-to-role map: `group=role@/Unit/Path`, comma-separated ('@/' = root)."
    )
    oidc_groups_claim: str = Field(default="groups", description="ID token claim that lists the user's groups.")
    oidc_allow_signup: bool = Field(default=False, description="Create a Tandem user at the first SSO sign-in.")
    oidc_redirect_url: str = Field(default="", description="Callback URL given to the provider; empty = derived.")
    oidc_max_age_minutes: int = Field(
        default=0, ge=0, description="Oldest sign-in at the provider an SSO login accepts (auth_time); 0 = any."
    )
    oidc_acr_values: str = Field(
        default="", description="Comma-separated `acr` values (authentication strength) an SSO login requires."
    )

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite inside data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tandem.db').resolve()}"

    @field_validator("dask_scheduler")
    @classmethod
    def _dask_link_is_protected(cls, value: str) -> str:
        # A plain tcp:// scheduler is unauthenticated and unencrypted: whoever reaches it runs code on its workers
        # and reads the scanned files (ASVS V13.2.1). Dask reads a bare host:port as tcp://.
        scheme, _, rest = value.strip().rpartition("://")
        if not value.strip() or scheme in ("tls", "inproc", "ucx"):
            return value.strip()
        host = urlsplit(f"//{rest}").hostname or ""
        if scheme in ("", "tcp") and _is_loopback(host):
            return value.strip()
        raise ValueError(
            f"{value!r} is a plaintext link anyone who reaches it can use; give a tls:// address (mutual TLS, see "
            "SECURITY.md) or a scheduler on this machine (tcp://127.0.0.1:port)"
        )

    @property
    def is_sqlite(self) -> bool:
        """Return whether the configured database is SQLite."""
        return self.resolved_database_url.startswith("sqlite")

    def key(self, name: str) -> bytes:
        """Return a secret from its setting or from data_dir/<name>.key, created once with 0600."""
        explicit = {"secret": self.secret_key, "audit": self.audit_key}.get(name, "")
        if explicit:
            return explicit.encode()
        path = self.data_dir / f"{name}.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()

    def allow_hosts(self) -> set[str]:
        """Return the outbound allow-list as a set."""
        return {h.strip() for h in self.outbound_allow_hosts.split(",") if h.strip()}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_SECRET_WORDS = ("secret", "password", "key", "token", "url")  # never echoed: a URL may hold a password


def describe_invalid(exc: ValidationError) -> str:
    """Name each invalid setting by its environment variable, with why it was refused."""
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"])
        given = error.get("input")
        secret = any(word in field for word in _SECRET_WORDS)
        shown = f" (given {given!r})" if isinstance(given, str | int | float) and not secret else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"TANDEM_{field.upper()}: {message}{shown}")
    return "; ".join(parts)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings."""
    return Settings()
