"""The @job registry: handlers by name `<domain>.<verb_noun>`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tandem.platform.lazy import ensure_all_loaded

_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


@dataclass(frozen=True)
class JobSpec:
    """A registered handler and how it may run."""

    name: str
    handler: Callable[..., Any]
    max_attempts: int
    view_action: str
    # False: the handler runs inside one transaction (all or nothing) and gets its session.
    # True: it gets session=None and opens short ones itself with ctx.transaction(): long work (parsing,
    # simulating) then holds no write lock, so the rest of Tandem can write meanwhile.
    own_transactions: bool = False
    # Run by itself (no args) whenever the last run is older than this; None = only when enqueued.
    every: dt.timedelta | None = None


_jobs: dict[str, JobSpec] = {}


def job(
    name: str,
    *,
    max_attempts: int = 3,
    view_action: str = "jobs.view",
    own_transactions: bool = False,
    every: dt.timedelta | None = None,
) -> Callable[[Any], Any]:
    """Register the decorated function as the handler of job `name`."""
    if not _NAME.match(name):
        raise ValueError(f"job names are <domain>.<verb_noun>, not {name!r}")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        existing = _jobs.get(name)
        if existing is not None and existing.handler is not func:
            raise ValueError(f"job {name} registered twice")
        _jobs[name] = JobSpec(name, func, max_attempts, view_action, own_transactions, every)
        return func

    return register


def get_job(name: str) -> JobSpec:
    """Return the spec of a registered job."""
    if name not in _jobs:
        ensure_all_loaded()
    try:
        return _jobs[name]
    except KeyError:
        raise KeyError(f"no job named {name!r} is registered") from None


def job_names() -> list[str]:
    """Return the names of every registered job."""
    ensure_all_loaded()
    return sorted(_jobs)


def periodic_jobs() -> list[JobSpec]:
    """Return the jobs that run by themselves on a cadence."""
    ensure_all_loaded()
    return [spec for spec in _jobs.values() if spec.every is not None]
