"""Country groups the rules of several domains need (ISO 3166-1 alpha-2 codes)."""

from __future__ import annotations

# The 27 EU member states.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
# The European Economic Area: the EU plus Iceland, Liechtenstein and Norway (GDPR applies in all of them).
EEA = EU_COUNTRIES | frozenset({"IS", "LI", "NO"})
