"""Numbers as executives read them: compact money, percentages, dashes for what is not known yet."""

from __future__ import annotations


def money(value: float | None, currency: str = "USD") -> str:
    """Return 11,152,130 as '11.2 M USD' (None → '—')."""
    if value is None:
        return "—"
    amount = abs(value)
    for size, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if amount >= size:
            text = f"{value / size:,.1f}".removesuffix(".0") + suffix
            break
    else:
        text = f"{value:,.0f}"
    return f"{text} {currency}".strip()


def percent(value: float | None) -> str:
    """Return 0.4198 as '42 %' (None → '—')."""
    return "—" if value is None else f"{value:.0%}".replace("%", " %")


def number(value: float | None) -> str:
    """Return a count or a plain number with thousands separators (None → '—')."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
