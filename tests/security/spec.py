"""The OpenAPI document of the full application, built once per test process (it takes seconds)."""

from __future__ import annotations

from functools import cache
from typing import Any

from tandem.app import create_app
from tandem.platform.config import get_settings


@cache
def openapi() -> dict[str, Any]:
    """Return the application's OpenAPI document."""
    spec: dict[str, Any] = create_app(get_settings()).openapi()
    return spec
