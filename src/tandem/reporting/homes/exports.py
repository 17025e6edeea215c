"""Where the web lists whose path differs from their REST list export from (every list exports CSV and JSON)."""

from __future__ import annotations

from tandem.platform.api import export

# Page path → the API list with the same items and filters.
ALIASES = {
    "/vulnerabilities": "/api/v1/vulnerabilities/findings",
    "/reporting/watch": "/api/v1/reporting/watch/items",
}


def register() -> None:
    """Tell the export middleware about the lists above."""
    for page, api in ALIASES.items():
        export.alias(page, api)
