"""Vulnerability feed settings (environment variables TANDEM_VULNERABILITIES_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
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
    epss_history_min_change: float = Field(
        default=0.005,
        ge=0,
        le=1,
        description="Keep an EPSS history point when the score moved at least this far from the last one kept.",
    )
    batch_rows: int = Field(default=1000, ge=1, description="Rows written per short transaction.")
    # NVD CVE API 2.0 sync (`tandem vulns sync`); the host must pass the outbound guard like the feeds above.
    nvd_api_url: str = Field(default="https://services.nvd.nist.gov/rest/json/cves/2.0")
    nvd_api_key: SecretStr = Field(
        default=SecretStr(""), description="Sent as the apiKey header; raises NVD's limit from 5 to 50 requests / 30 s."
    )
    nvd_page_size: int = Field(default=2000, ge=1, le=2000, description="resultsPerPage (NVD allows at most 2000).")
    nvd_delay_s: float = Field(default=6.0, ge=0, description="Pause between NVD requests without an API key.")
    nvd_delay_with_key_s: float = Field(default=0.6, ge=0, description="Pause between NVD requests with an API key.")
    nvd_window_days: int = Field(default=120, ge=1, le=120, description="Longest lastModified window per query.")
    nvd_initial_days: int = Field(default=120, ge=1, description="How far back the first sync looks (not --full).")
    nvd_max_attempts: int = Field(default=6, ge=1, description="Tries per request on 429/503 and network errors.")
    nvd_backoff_s: float = Field(default=5.0, ge=0, description="First backoff when no Retry-After is sent.")
    sync_every_hours: float = Field(
        default=24.0,
        ge=0,
        description="With fetching on, sync NVD, KEV and EPSS when the last NVD sync finished this long ago (0 = only "
        "when asked).",
    )
    nvd_backoff_max_s: float = Field(default=300.0, ge=0, description="Longest single wait (Retry-After is capped).")


@lru_cache(maxsize=1)
def get_vulnerability_settings() -> VulnerabilitySettings:
    """Return the vulnerability settings."""
    return VulnerabilitySettings()
