"""Own-check settings (environment variables TANDEM_MONITORING_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class OwnCheckSettings(BaseSettings):
    """Nothing may be checked until an operator approves a scope."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_MONITORING_", extra="ignore")

    scope: str = Field(default="", description="Comma-separated CIDRs, addresses or host names checks may reach.")
    check_timeout_s: float = Field(default=5.0, gt=0, le=120, description="Connect and handshake timeout.")
    check_workers: int = Field(default=16, ge=1, le=128, description="Targets checked at the same time.")
    ca_file: str = Field(default="", description="Extra trusted CA certificates (PEM) for internal PKIs.")


@lru_cache(maxsize=1)
def get_owncheck_settings() -> OwnCheckSettings:
    """Return the own-check settings."""
    return OwnCheckSettings()
