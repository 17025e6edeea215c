"""Reporting settings (environment variables TANDEM_*): the regulatory and threat watch's sources."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Watch source → the format its documents are in (several RSS sources share one parser).
WATCH_FORMATS: dict[str, str] = {
    "kev": "kev",
    "csaf": "csaf",
    "cisa-advisories": "rss",
    "nist-csrc": "rss",
    "eur-lex": "rss",
    "federal-register": "federal-register",
    "ecfr": "ecfr",
}


class ReportingSettings(BaseSettings):
    """Every watch source is off until named in TANDEM_WATCH_ENABLED; files can always be side-loaded."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_", extra="ignore")

    watch_enabled: str = Field(default="", description="Comma-separated watch sources to fetch; empty = none.")
    watch_kev_url: str = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
    watch_csaf_urls: str = Field(default="", description="Comma-separated CSAF 2.0 document URLs (.sha512 beside).")
    watch_cisa_advisories_url: str = "https://www.cisa.gov/cybersecurity-advisories/all.xml"
    watch_nist_csrc_url: str = "https://csrc.nist.gov/csrc/media/feeds/metafeeds/publications.rss"
    watch_eur_lex_url: str = Field(default="", description="An EUR-Lex RSS feed (saved search) URL.")
    watch_federal_register_url: str = (
        "https://www.federalregister.gov/api/v1/documents.json?conditions%5Bterm%5D=HIPAA&order=newest&per_page=50"
        "&fields%5B%5D=title&fields%5B%5D=type&fields%5B%5D=abstract&fields%5B%5D=document_number"
        "&fields%5B%5D=html_url&fields%5B%5D=publication_date&fields%5B%5D=agencies&fields%5B%5D=action"
        "&fields%5B%5D=cfr_references&fields%5B%5D=effective_on&fields%5B%5D=comments_close_on"
    )
    watch_ecfr_url: str = "https://www.ecfr.gov/api/versioner/v1/versions/title-45.json?part=164"
    watch_fetch_every_hours: float = Field(default=24.0, gt=0)
    watch_fetch_timeout_s: float = Field(default=30.0, gt=0)
    watch_max_feed_bytes: int = Field(default=20 * 1024 * 1024, ge=1)

    def enabled_sources(self) -> list[str]:
        """Return the watch sources named in TANDEM_WATCH_ENABLED that exist (in a stable order)."""
        named = {s.strip().lower() for s in self.watch_enabled.split(",") if s.strip()}
        return [s for s in WATCH_FORMATS if s in named]

    def source_urls(self, source: str) -> list[str]:
        """Return the URLs a source is fetched from (several for CSAF, one otherwise; empty when unset)."""
        raw = {
            "kev": self.watch_kev_url, "csaf": self.watch_csaf_urls,
            "cisa-advisories": self.watch_cisa_advisories_url, "nist-csrc": self.watch_nist_csrc_url,
            "eur-lex": self.watch_eur_lex_url, "federal-register": self.watch_federal_register_url,
            "ecfr": self.watch_ecfr_url,
        }[source]  # fmt: skip
        return [u.strip() for u in raw.split(",") if u.strip()] if source == "csaf" else ([raw] if raw else [])


@lru_cache(maxsize=1)
def get_reporting_settings() -> ReportingSettings:
    """Return the reporting settings."""
    return ReportingSettings()
