"""Demo data of the reporting board (skeleton; filled in by its owner)."""

from typing import Any


def load_demo(session: Any, org: Any) -> None:
    """Add this part's sample data."""
