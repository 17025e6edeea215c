"""Own-check rules: plan targets (explicit or declared in the inventory), queue the job, store its results as a scan."""

from __future__ import annotations

import datetime as dt
import ssl
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory.schemas import parse_service
from tandem.monitoring import actions
from tandem.monitoring import service as monitoring
from tandem.monitoring.models import Scan
from tandem.monitoring.ownchecks import repository as repo
from tandem.monitoring.ownchecks.runner import CheckOptions, Outcome
from tandem.monitoring.ownchecks.scope import OutOfScope, Scope, admit, freeze, parse_scope
from tandem.monitoring.ownchecks.settings import get_owncheck_settings
from tandem.monitoring.ownchecks.targets import SERVICE_TAG, Target, asset_targets, parse_target
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.auth.service import root_unit
from tandem.platform.errors import Conflict, InvalidInput
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import enqueue

JOB = "monitoring.run_checks"
KIND = "tandem-check"
MAX_TARGETS = 20_000
INVENTORY_LABEL = "declared services (inventory)"


def current_scope() -> Scope:
    """Return the approved scope from TANDEM_MONITORING_SCOPE; an invalid entry is a located error."""
    try:
        return parse_scope(get_owncheck_settings().scope)
    except OutOfScope as exc:
        raise InvalidInput.one(exc.location, exc.reason) from None


def options() -> CheckOptions:
    """Return how checks run, from the settings."""
    settings = get_owncheck_settings()
    if settings.ca_file:
        try:
            ssl.create_default_context(cafile=settings.ca_file)
        except (OSError, ValueError) as exc:
            reason = f"{settings.ca_file}: no PEM certificates ({exc})"
            raise InvalidInput.one("TANDEM_MONITORING_CA_FILE", reason) from None
    return CheckOptions(settings.check_timeout_s, settings.check_workers, settings.ca_file)


def _explicit(scope: Scope, specs: Sequence[str]) -> list[Target]:
    found: dict[tuple[str, int], Target] = {}
    scope = freeze(scope)
    try:
        for i, spec in enumerate(specs):
            target = parse_target(spec, f"body.targets.{i}")
            admit(scope, target.host, target.port, f"body.targets.{i}")
            found.setdefault((target.host, target.port), target)
    except OutOfScope as exc:
        raise InvalidInput.one(exc.location, exc.reason) from None
    return list(found.values())


def _services(raw: Sequence[Any] | None) -> list[tuple[int, str, str, bool | None]]:
    """Return the declared services as tuples; a value the inventory would no longer accept is skipped."""
    out = []
    for value in raw or []:
        try:
            spec = parse_service(str(value))
        except ValueError:
            continue
        out.append((spec.port, spec.proto, spec.name, spec.tls))
    return out


def inventory_targets(session: Session, principal: Principal) -> list[Target]:
    """Return every service the assets the principal may check declare: the declared services field, or for
    records from before it, tags `service:<port>[/tls|/tcp]`."""
    targets: list[Target] = []
    for asset_id, hostname, ips, services, tags in repo.service_assets(session, principal):
        tags = [str(t) for t in tags or []]
        if services or any(t.startswith(SERVICE_TAG) for t in tags):
            targets += asset_targets(str(asset_id), hostname, list(ips or []), _services(services), tags)
    return targets


def plan_targets(session: Session, principal: Principal, specs: Sequence[str]) -> list[Target]:
    """Return the targets to check: the explicit specs (each admitted now), else the inventory's declared services."""
    scope = current_scope()
    if scope.empty:
        raise InvalidInput.one("TANDEM_MONITORING_SCOPE", "is empty: no target may be checked until it lists "
                               "the approved networks or hosts")  # fmt: skip
    targets = _explicit(scope, specs) if specs else inventory_targets(session, principal)
    if not targets:
        raise InvalidInput.one("body.targets", "no target given and no asset you may check declares a service "
                               "(its declared services field, e.g. 443/tcp https tls)")  # fmt: skip
    if len(targets) > MAX_TARGETS:
        raise InvalidInput.one("body.targets", f"{len(targets)} targets; at most {MAX_TARGETS} per run")
    return targets


class _InUnit:
    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def _root(session: Session) -> uuid.UUID:
    root = root_unit(session)
    if root is None:
        raise Conflict("create the organisation first")
    return root.id


def queue_checks(
    session: Session, principal: Principal, specs: Sequence[str] = (), unit_id: uuid.UUID | None = None
) -> Job:
    """Check the principal may run checks in the unit, plan the targets and queue the job."""
    unit = unit_id or _root(session)
    if session.get(OrgUnit, unit) is None:
        raise InvalidInput.one("org_unit_id", "no such org unit")
    require(session, principal, actions.EDIT.name, _InUnit(unit))
    options()
    targets = plan_targets(session, principal, specs)
    label = ", ".join(t.label for t in targets) if specs else INVENTORY_LABEL
    args = {"targets": [t.as_dict() for t in targets], "label": label[:300], "unit_id": str(unit),
            "who": principal.username}  # fmt: skip
    return enqueue(session, JOB, args)


def store_results(
    session: Session, outcomes: list[Outcome], label: str, unit_id: uuid.UUID, who: str, started: dt.datetime
) -> Scan:
    """Store the checked targets as a `tandem-check` scan: hosts seen up, findings, open ports, asset links."""
    hosts: dict[str, monitoring.SeenHost] = {}
    ports: set[tuple[str, str, int, str]] = set()
    for o in outcomes:
        if not o.reachable:
            continue
        names = [o.target.host] if o.target.host != o.address else []
        host = hosts.setdefault(o.address, monitoring.SeenHost(o.address, names, []))
        host.hostnames += [n for n in names if n not in host.hostnames]
        host.ports.append(["tcp", o.target.port, "tls" if o.target.tls else ""])
        ports.add((o.address, "tcp", o.target.port, "tls" if o.target.tls else ""))
    # Each row names its declaring asset, so the issue it becomes is keyed on that asset (see link_assets).
    findings: list[dict[str, Any]] = [
        {"rule": f.rule, "severity": f.severity, "host": f.host, "protocol": f.protocol, "port": f.port,
         "detail": f.detail, "cves": [], "qod": None,
         "asset_id": uuid.UUID(o.target.asset_id) if o.target.asset_id else None}
        for o in outcomes for f in o.findings
    ]  # fmt: skip
    parsed = monitoring.ParsedScan(KIND, "tandem", started, list(hosts.values()), findings, ports)
    name = f"own checks {started:%Y-%m-%d %H:%M} UTC"
    scan = monitoring.store_scan(session, parsed, name, label, unit_id, "", who)
    declared = {
        (o.address, o.target.port): uuid.UUID(o.target.asset_id) for o in outcomes if o.address and o.target.asset_id
    }
    repo.link_assets(session, scan.id, declared)
    session.flush()
    return scan
