"""Automated control checks: named tests over Tandem's own data. Each domain registers its checks (imported by its
manifest, like its jobs); compliance runs them by name through this registry, so a lower domain runs the code of a
higher one without importing it (ARCHITECTURE.md §4.1)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.errors import InvalidInput
from tandem.platform.lazy import ensure_all_loaded

_NAME = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
_KINDS: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}


@dataclass(frozen=True)
class CheckParam:
    """A parameter of a check, e.g. max_age_days=30; controls override the default."""

    name: str
    kind: str  # int | float | str | bool
    default: Any
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class CheckRun:
    """What a check gets: a read session, resolved parameters, the control's scope and the time of the run."""

    session: Session
    params: dict[str, Any]
    # The org units (the control's unit and its subtree) whose records count; None = the whole installation.
    unit_ids: frozenset[uuid.UUID] | None
    now: dt.datetime

    def in_scope(self, unit_id: uuid.UUID | None) -> bool:
        """Return whether a record of this org unit is in the control's scope."""
        return self.unit_ids is None or unit_id in self.unit_ids


@dataclass
class CheckOutcome:
    """A check's verdict and the evidence behind it: the rows it found (the failing ones first)."""

    passed: bool
    summary: str  # one line a person reads, e.g. "2 of 41 critical assets not scanned in 30 days"
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    examined: int = 0  # how many items the check looked at
    failing: int = 0  # how many of them fail the condition
    measured: float | None = None  # the measured value when the condition is a threshold (e.g. 0.93)


@dataclass(frozen=True)
class CheckSpec:
    """A registered check."""

    name: str  # <domain>.<snake_case>
    title: str
    description: str
    run: Callable[[CheckRun], CheckOutcome]
    params: tuple[CheckParam, ...] = ()

    @property
    def domain(self) -> str:
        """Return the domain that defines the check."""
        return self.name.split(".", 1)[0]

    def resolve_params(self, given: dict[str, Any] | None) -> dict[str, Any]:
        """Return the parameters with defaults applied; raise InvalidInput naming the bad field."""
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        for name in given:
            if name not in known:
                raise InvalidInput.one(f"params.{name}", f"check {self.name} has no parameter {name!r}")
        resolved: dict[str, Any] = {}
        for param in self.params:
            value = given.get(param.name, param.default)
            resolved[param.name] = _coerce(self.name, param, value)
        return resolved


def _coerce(check: str, param: CheckParam, value: Any) -> Any:
    kind = _KINDS[param.kind]
    where = f"params.{param.name}"
    try:
        if kind is bool:
            if isinstance(value, str):
                if value.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                    raise ValueError(value)
                value = value.lower() in {"true", "1", "yes"}
            coerced: Any = bool(value)
        elif kind is str:
            coerced = str(value)
        else:
            if isinstance(value, bool):
                raise ValueError(value)
            coerced = kind(value)
    except (TypeError, ValueError):
        raise InvalidInput.one(where, f"{check}: must be a {param.kind}, not {value!r}") from None
    if param.minimum is not None and coerced < param.minimum:
        raise InvalidInput.one(where, f"{check}: must be at least {param.minimum}")
    if param.maximum is not None and coerced > param.maximum:
        raise InvalidInput.one(where, f"{check}: must be at most {param.maximum}")
    return coerced


_checks: dict[str, CheckSpec] = {}


def control_check(
    name: str, title: str, description: str, params: tuple[CheckParam, ...] = ()
) -> Callable[[Callable[[CheckRun], CheckOutcome]], Callable[[CheckRun], CheckOutcome]]:
    """Register the decorated function as the check `name`."""
    if not _NAME.match(name):
        raise ValueError(f"check names are <domain>.<snake_case>, not {name!r}")

    def register(func: Callable[[CheckRun], CheckOutcome]) -> Callable[[CheckRun], CheckOutcome]:
        existing = _checks.get(name)
        if existing is not None and existing.run is not func:
            raise ValueError(f"check {name} registered twice")
        _checks[name] = CheckSpec(name, title, description, func, params)
        return func

    return register


def get_check(name: str) -> CheckSpec:
    """Return a registered check; KeyError names it when unknown."""
    if name not in _checks:
        ensure_all_loaded()
    try:
        return _checks[name]
    except KeyError:
        raise KeyError(f"no control check named {name!r} is registered") from None


def all_checks() -> list[CheckSpec]:
    """Return every registered check, by name."""
    ensure_all_loaded()
    return [_checks[n] for n in sorted(_checks)]
