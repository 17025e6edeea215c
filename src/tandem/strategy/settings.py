"""Strategy settings (environment variables TANDEM_STRATEGY_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StrategySettings(BaseSettings):
    """Limits on the portfolio optimiser, the heaviest thing a user can start."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_STRATEGY_", extra="ignore")

    max_plans_in_progress: int = Field(
        default=2, ge=1, description="Plans of one org unit that may be queued or running at once; more are refused."
    )


@lru_cache(maxsize=1)
def get_strategy_settings() -> StrategySettings:
    """Return the strategy settings."""
    return StrategySettings()
