"""Vendors settings (environment variables TANDEM_VENDORS_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class VendorsSettings(BaseSettings):
    """Renewal reminders, upload limits of vendor documents and evidence, and the link base for e-mails."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_VENDORS_", extra="ignore")

    reminder_days: str = Field(
        default="90,60,30", description="Days before a notice deadline on which the contract owner is e-mailed."
    )
    renewal_horizon_days: int = Field(default=90, ge=1, le=730, description="How far ahead renewal lists look.")
    max_document_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="Largest vendor document or questionnaire evidence file."
    )
    public_url: str = Field(
        default="", description="Base URL put in front of questionnaire links in e-mails (e.g. https://tandem.example)."
    )

    def thresholds(self) -> list[int]:
        """Return the reminder thresholds, largest first (bad entries ignored)."""
        out = {int(p) for p in self.reminder_days.split(",") if p.strip().isdigit() and 0 < int(p) <= 730}
        return sorted(out, reverse=True) or [30]


@lru_cache(maxsize=1)
def get_vendors_settings() -> VendorsSettings:
    """Return the vendors settings."""
    return VendorsSettings()
