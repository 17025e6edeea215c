"""Inventory settings (environment variables TANDEM_INVENTORY_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class InventorySettings(BaseSettings):
    """How long a record stays fresh, and when an import becomes a background job."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_INVENTORY_", extra="ignore")

    stale_after_days: int = Field(default=180, ge=1, description="Records unverified for longer are stale.")
    job_threshold_rows: int = Field(default=5000, ge=1, description="Web imports larger than this run as a job.")
    max_import_rows: int = Field(default=2_000_000, ge=1, description="Largest import file, in data rows.")


@lru_cache(maxsize=1)
def get_inventory_settings() -> InventorySettings:
    """Return the inventory settings."""
    return InventorySettings()
