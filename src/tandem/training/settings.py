"""Training settings (environment variables TANDEM_TRAINING_*)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TrainingSettings(BaseSettings):
    """Where quiz links point and how often reminders repeat."""

    model_config = SettingsConfigDict(env_prefix="TANDEM_TRAINING_", extra="ignore")

    public_url: str = Field(
        default="http://localhost:8000", description="Address people use to open quiz links sent by e-mail."
    )
    remind_every_days: int = Field(default=7, ge=1, le=365, description="Days between two reminders to one person.")
    due_soon_days: int = Field(default=7, ge=0, le=90, description="Remind this many days before a due date.")


@lru_cache(maxsize=1)
def get_training_settings() -> TrainingSettings:
    """Return the training settings."""
    return TrainingSettings()
