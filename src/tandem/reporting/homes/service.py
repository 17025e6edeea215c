"""The metrics service: compute the home metrics for a caller, and the principal they are computed as."""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound
from tandem.platform.web.home import CACHE_SECONDS, data_version
from tandem.reporting.queries import metrics
from tandem.reporting.queries.common import shared

VIEW = "reporting.view"


def reader(principal: Principal) -> Principal:
    """Return the principal the metrics are computed as.

    A token scoped `reporting:read` may read the reporting metrics, which are aggregates over the domains its user
    can read; the domain actions behind them are not in the token's scopes, so the scope limit is lifted for the
    computation only. The user's roles and org units still bound every number (a viewer of Clinical gets Clinical).
    """
    if principal.scopes is not None and principal.scope_allows(VIEW):
        return dataclasses.replace(principal, scopes=None)
    return principal


def list_metrics(session: Session, principal: Principal) -> list[metrics.Metric]:
    """Return every metric the caller may read (reused while nothing audited changed, for at most a minute)."""
    require(session, principal, VIEW)
    who = reader(principal)
    key = f"metrics@{data_version(session)}"
    return shared(session, who, key, CACHE_SECONDS, lambda: metrics.all_metrics(session, who))


def get_metric(session: Session, principal: Principal, name: str) -> metrics.Metric:
    """Return one metric by name (NotFound for an unknown name or one whose domain the caller cannot read)."""
    require(session, principal, VIEW)
    spec = metrics.BY_NAME.get(name)
    who = reader(principal)
    if spec is None or not who.can_anywhere(spec.action):
        raise NotFound(f"no metric named {name!r}")
    return metrics.compute(session, who, spec)
