"""Data-discovery settings (environment variables TANDEM_DATA_*)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tandem.platform.config import get_settings


class DataSettings(BaseSettings):
    """Where file scans may read, how much of a database they sample, and how wide they fan out."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_DATA_", extra="ignore")

    scan_roots: str = Field(
        default="", description="Comma-separated folders scans may read; empty = data_dir/scan-sources."
    )
    sample_rows: int = Field(default=1000, ge=1, le=1_000_000, description="Rows sampled per database table.")
    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1, description="Larger files are skipped with an error.")
    workers: int = Field(default=0, ge=0, description="Local scan processes; 0 = one per CPU, 1 = in-process.")
    batch_files: int = Field(default=25, ge=1, description="Files whose results are written per transaction.")

    def roots(self) -> list[Path]:
        """Return the resolved allowed roots (the default root is created on first use)."""
        raw = [r.strip() for r in self.scan_roots.split(",") if r.strip()]
        if not raw:
            default = get_settings().data_dir / "scan-sources"
            default.mkdir(parents=True, exist_ok=True)
            return [default.resolve()]
        return [Path(r).expanduser().resolve() for r in raw]


@lru_cache(maxsize=1)
def get_data_settings() -> DataSettings:
    """Return the data settings."""
    return DataSettings()
