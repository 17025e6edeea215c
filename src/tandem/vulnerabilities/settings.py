"""Vulnerability feed settings (environment variables TANDEM_VULNERABILITIES_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class VulnerabilitySettings(BaseSettings):
    """Outbound feed fetching stays off unless enabled; files are side-loaded otherwise."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_VULNERABILITIES_", extra="ignore")

    fetch_enabled: bool = Field(default=False, description="Allow fetching feeds from the URLs below.")
    kev_url: str = Field(
        default="https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
        description="Where the KEV catalogue is fetched from (host must be in TANDEM_OUTBOUND_ALLOW_HOSTS).",
    )
    epss_url: str = Field(default="https://epss.empiricalsecurity.com/epss_scores-current.csv.gz")
    fetch_timeout_s: float = Field(default=60.0, gt=0)
    max_feed_bytes: int = Field(default=512 * 1024 * 1024, ge=1)
    batch_rows: int = Field(default=1000, ge=1, description="Rows written per short transaction.")


@lru_cache(maxsize=1)
def get_vulnerability_settings() -> VulnerabilitySettings:
    """Return the vulnerability settings."""
    return VulnerabilitySettings()
