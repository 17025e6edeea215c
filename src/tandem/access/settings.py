"""Access settings (environment variables TANDEM_ACCESS_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AccessSettings(BaseSettings):
    """Peer-outlier thresholds and the SCIM client's credentials and limits."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_ACCESS_", extra="ignore")

    peer_share: float = Field(default=0.10, gt=0, le=1, description="Entitlements held by fewer peers are excessive.")
    min_peers: int = Field(default=5, ge=1, description="Peer groups smaller than this flag nothing.")
    scim_token: str = Field(default="", description="Bearer token sent to SCIM endpoints (empty = none).")
    scim_page_size: int = Field(default=100, ge=1, le=1000, description="SCIM ListResponse page size requested.")
    scim_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="Largest SCIM page accepted.")


@lru_cache(maxsize=1)
def get_access_settings() -> AccessSettings:
    """Return the access settings."""
    return AccessSettings()
