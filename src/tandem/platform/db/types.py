"""Portable column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect

# JSONB on PostgreSQL (indexable), plain JSON text elsewhere.
PortableJSON = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite stores naive text otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[dt.datetime]:
        """Return datetime (list cursors turn their stored values back into it)."""
        return dt.datetime

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.UTC)


def enum_column(enum_cls: type[enum.Enum], length: int = 32) -> String:
    """Store an enum by value in a VARCHAR so adding a member needs no ALTER TYPE."""
    del enum_cls  # the column is plain text; validation lives in the schemas
    return String(length)


@dataclass(frozen=True)
class Money:
    """An amount in integer minor units (cents) with an ISO 4217 currency."""

    minor: int
    currency: str

    @classmethod
    def of(cls, amount: Decimal | int | float | str, currency: str) -> Money:
        """Build from a decimal amount, rounding half-even to the minor unit."""
        quantised = (Decimal(str(amount)) * 100).quantize(Decimal(1))
        return cls(int(quantised), currency.upper())

    @property
    def amount(self) -> Decimal:
        """Return the amount in major units."""
        return Decimal(self.minor) / 100

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


def money_columns(prefix: str) -> dict[str, Any]:
    """Name the two columns a money attribute uses: <prefix>_minor and <prefix>_currency."""
    return {"minor": f"{prefix}_minor", "currency": f"{prefix}_currency"}
