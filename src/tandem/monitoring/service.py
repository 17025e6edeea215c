"""Monitoring rules: import scans, reconcile hosts with the inventory, audit findings, port diffs, shadow IT."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.schemas import AssetCreate, parse_service
from tandem.monitoring import actions, host_issues, issues, scanners
from tandem.monitoring import repository as repo
from tandem.monitoring.models import DiscoveredHost, Scan, ScanFinding
from tandem.monitoring.ownchecks.targets import tag_services
from tandem.platform.auth.models import OrgUnit
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.config import get_settings
from tandem.platform.db.paging import ListSpec, Page, PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, InvalidInput, NotFound
from tandem.platform.jobs.models import Job
from tandem.platform.jobs.service import enqueue
from tandem.platform.safety.errors import UnsafeInput

SCAN_SPEC = ListSpec(sort_fields=("created_at", "name", "target"), default_sort="created_at",
                     filter_fields=("kind", "target"), search_fields=("name", "target", "file_name"))  # fmt: skip
FINDING_SPEC = ListSpec(
    sort_fields=("created_at", "severity", "host"),
    default_sort="created_at",
    filter_fields=("severity", "rule", "host"),
    search_fields=("detail", "host", "rule"),
)
HOST_SPEC = ListSpec(sort_fields=("last_seen_at", "address", "first_seen_at"), default_sort="last_seen_at",
                     filter_fields=("status",), search_fields=("address",))  # fmt: skip
_GVM_SEVERITY = {"high": "high", "medium": "medium", "low": "low", "log": "info", "debug": "info"}


@dataclass
class SeenHost:
    """A host a scan saw up, with the identifiers reconciliation uses."""

    address: str
    hostnames: list[str]
    macs: list[str]
    ports: list[list[Any]] = field(default_factory=list)


@dataclass
class ParsedScan:
    """A scan file reduced to what is stored: hosts, audit findings, open ports."""

    kind: str
    version: str
    scanned_at: dt.datetime | None
    hosts: list[SeenHost]
    findings: list[dict[str, Any]]
    ports: set[tuple[str, str, int, str]]


class _InUnit:
    def __init__(self, org_unit_id: uuid.UUID) -> None:
        self.org_unit_id = org_unit_id


def _finding(f: scanners.Finding, **extra: Any) -> dict[str, Any]:
    return {"rule": f.rule, "severity": f.severity, "host": f.host, "protocol": f.protocol, "port": f.port,
            "detail": f.detail, "cves": [], "qod": None, **extra}  # fmt: skip


def _parse_nmap(data: bytes, name: str, now: dt.datetime) -> ParsedScan:
    scan = scanners.parse_nmap(data, name)
    hosts = [
        SeenHost(
            h.address,
            list(h.hostnames),
            [m for m, _ in h.macs],
            [[p.protocol, p.portid, p.service.name if p.service else ""] for p in h.ports if p.state == "open"],
        )
        for h in scan.hosts
        if h.state == "up" and h.address
    ]
    when = dt.datetime.fromtimestamp(scan.start, dt.UTC) if scan.start else None
    findings = [_finding(f) for f in scanners.audit_scan(scan, when or now)]
    return ParsedScan("nmap", scan.version or "", when, hosts, findings, scanners.port_tuples(scan))


def _parse_greenbone(data: bytes, name: str) -> ParsedScan:
    report = scanners.parse_greenbone(data, name)
    hosts: dict[str, SeenHost] = {}
    findings, ports = [], set()
    for r in report.results:
        host = hosts.setdefault(r.host, SeenHost(r.host, [], []))
        if r.hostname and r.hostname not in host.hostnames:
            host.hostnames.append(r.hostname)
        portid, _, proto = r.port.partition("/")
        port = int(portid) if portid.isdigit() else None
        if port is not None:
            ports.add((r.host, proto, port, ""))
        severity = _GVM_SEVERITY.get(r.threat.lower(), "info")
        if r.severity is not None and r.severity >= 9.0:
            severity = "critical"
        findings.append({"rule": f"gvm:{r.nvt_oid}"[:100], "severity": severity, "host": r.host,
                         "protocol": proto or None, "port": port, "detail": r.nvt_name or r.name,
                         "cves": list(r.cves), "qod": r.qod})  # fmt: skip
    try:
        when = dt.datetime.fromisoformat(report.scan_start) if report.scan_start else None
    except ValueError:
        when = None
    return ParsedScan("greenbone", report.gmp_version or "", when, list(hosts.values()), findings, ports)


def parse_scan(data: bytes, name: str, now: dt.datetime | None = None) -> ParsedScan:
    """Parse an nmap XML or Greenbone report (detected from the root element) with the defused parsers."""
    head = data[:4096]
    try:
        if b"<nmaprun" in head:
            return _parse_nmap(data, name, now or utcnow())
        return _parse_greenbone(data, name)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or "file", exc.reason) from None


def _diff(previous: Scan | None, ports: set[tuple[str, str, int, str]]) -> list[dict[str, Any]]:
    """Return port-new / port-closed findings against the previous scan of the same target."""
    if previous is None:
        return []
    before = {tuple(p) for p in previous.open_ports}
    new: list[dict[str, Any]] = [
        {"rule": "port-new", "severity": "medium", "host": h, "protocol": pr, "port": p, "cves": [], "qod": None,
            "detail": f"new open port {p}/{pr} ({s or 'unknown'}) since scan {previous.name}"}
        for h, pr, p, s in sorted(ports - before)
    ]  # fmt: skip
    gone = [{"rule": "port-closed", "severity": "info", "host": h, "protocol": pr, "port": p, "cves": [], "qod": None,
             "detail": f"port {p}/{pr} ({s or 'unknown'}) no longer open since scan {previous.name}"}
            for h, pr, p, s in sorted(before - ports)]  # fmt: skip
    return new + gone


def _unit(session: Session, principal: Principal | None, unit_id: uuid.UUID) -> None:
    if session.get(OrgUnit, unit_id) is None:
        raise InvalidInput.one("org_unit_id", "no such org unit")
    if principal is not None:
        require(session, principal, actions.EDIT.name, _InUnit(unit_id))


def store_scan(
    session: Session, parsed: ParsedScan, name: str, target: str, unit_id: uuid.UUID, file_name: str, who: str
) -> Scan:
    """Store a parsed scan: reconcile hosts, record audit findings and port diffs (caller checked permission)."""
    now = utcnow()
    scan = Scan(name=name[:200], kind=parsed.kind, target=target[:300], file_name=file_name[:200],
                scanner_version=parsed.version[:100], scanned_at=parsed.scanned_at, org_unit_id=unit_id,
                open_ports=[list(p) for p in sorted(parsed.ports)], imported_by=who[:200], created_at=now)  # fmt: skip
    session.add(scan)
    session.flush()
    index, host_assets, unknown = repo.asset_index(session), {}, []
    for host in parsed.hosts:
        keys = [host.address, *host.macs, *host.hostnames]
        asset_id = next((index[k.lower()] for k in keys if k.lower() in index), None)
        if asset_id is None:
            unknown.append(host)
        else:
            host_assets[host.address] = asset_id
            _verify_asset(session, asset_id, name)
    _record_unknown(session, scan, unknown, now)
    diff = _diff(repo.previous_scan(session, unit_id, scan.target, now), parsed.ports)
    rows = parsed.findings + _expected(session, diff, host_assets)
    rows += [{"rule": "unknown-host", "severity": "medium", "host": h.address, "protocol": None, "port": None,
              "cves": [], "qod": None, "detail": f"host {h.address} ({', '.join(h.hostnames) or 'no name'}) "
              "is not in the inventory"} for h in unknown]  # fmt: skip
    repo.add_findings(session, [
        {**r, "id": uuid.uuid4(), "scan_id": scan.id, "org_unit_id": unit_id, "created_at": now,
         "asset_id": r.get("asset_id") or host_assets.get(r["host"]), "detail": r["detail"][:4000]} for r in rows
    ])  # fmt: skip
    scan.hosts_up, scan.known_hosts, scan.unknown_hosts = len(parsed.hosts), len(host_assets), len(unknown)
    scan.finding_count = len(rows)
    session.flush()
    seen = {h.address: host_assets.get(h.address) for h in parsed.hosts}
    issues.record_scan_issues(session, scan, seen)
    return scan


def declared_ports(services: list[str] | None, tags: list[str] | None) -> set[tuple[str, int]]:
    """Return the (transport, port) an asset declares: its declared services field, else its old service tags."""
    found: set[tuple[str, int]] = set()
    for value in services or []:
        try:
            spec = parse_service(str(value))
        except ValueError:
            continue
        found.add((spec.proto, spec.port))
    if not found:
        found = {("tcp", port) for port, _ in tag_services(str(t) for t in tags or [])}
    return found


def _expected(session: Session, diff: list[dict[str, Any]], host_assets: dict[str, uuid.UUID]
              ) -> list[dict[str, Any]]:  # fmt: skip
    """Turn a new open port the asset declares into a note (port-declared): it is the service coming up as
    planned, not a finding; every other diff row stays."""
    wanted = {r["host"] for r in diff if r["rule"] == "port-new" and r["host"] in host_assets}
    if not wanted:
        return diff
    declared = {a: declared_ports(s, t) for a, s, t in repo.asset_services(session, {host_assets[h] for h in wanted})}
    for r in diff:
        asset = host_assets.get(r["host"])
        if r["rule"] == "port-new" and asset is not None and (str(r["protocol"]), r["port"]) in declared.get(asset, ()):
            r["rule"], r["severity"] = "port-declared", "info"
            r["detail"] = r["detail"].replace("new open port", "declared service now open:", 1)
    return diff


def _verify_asset(session: Session, asset_id: uuid.UUID, scan_name: str) -> None:
    """Mark an inventory asset as seen: provenance scan:<name> and last_verified_at, through inventory's service."""
    kind = inventory.kind_of("asset")
    patch = kind.update.model_validate({"source": f"scan:{scan_name}"[:200]})
    inventory.update_record(session, None, kind, asset_id, patch)
    inventory.attest_record(session, None, kind, asset_id, f"seen up by scan {scan_name}")


def _record_unknown(session: Session, scan: Scan, hosts: list[SeenHost], now: dt.datetime) -> None:
    known = repo.discovered(session, scan.org_unit_id, [h.address for h in hosts])
    for h in hosts:
        row = known.get(h.address)
        if row is None:
            row = DiscoveredHost(address=h.address[:100], org_unit_id=scan.org_unit_id, first_scan_id=scan.id,
                                 first_seen_at=now)  # fmt: skip
            session.add(row)
        row.hostnames, row.macs, row.open_ports = h.hostnames, h.macs, h.ports
        row.last_scan_id, row.last_seen_at = scan.id, now
    session.flush()


def import_scan(
    session: Session, principal: Principal, data: bytes, file_name: str, name: str = "", target: str = "",
    unit_id: uuid.UUID | None = None,
) -> Scan:  # fmt: skip
    """Parse and store a scan file in the caller's transaction (demo, tests, small files)."""
    unit = unit_id or _root(session)
    _unit(session, principal, unit)
    parsed = parse_scan(data, file_name)
    return store_scan(
        session, parsed, name or file_name, target or name or file_name, unit, file_name, principal.username
    )


def _root(session: Session) -> uuid.UUID:
    from tandem.platform.auth.service import root_unit

    root = root_unit(session)
    if root is None:
        raise Conflict("create the organisation first")
    return root.id


def upload_dir() -> Path:
    """Return where uploaded scans wait for their job."""
    path = get_settings().data_dir / "uploads" / "monitoring"
    path.mkdir(parents=True, exist_ok=True)
    return path


def queue_scan_import(
    session: Session, principal: Principal, data: bytes, file_name: str, name: str = "", target: str = "",
    unit_id: uuid.UUID | None = None,
) -> Job:  # fmt: skip
    """Check the file parses (located errors now, not later), store it and queue its import."""
    unit = unit_id or _root(session)
    _unit(session, principal, unit)
    parse_scan(data, file_name)
    stored = upload_dir() / f"{uuid.uuid4().hex}.scan"
    stored.write_bytes(data)
    stored.chmod(0o600)
    args = {"stored": stored.name, "file_name": file_name[:200], "name": (name or file_name)[:200],
            "target": (target or name or file_name)[:300], "unit_id": str(unit), "who": principal.username}  # fmt: skip
    return enqueue(session, "monitoring.import_scan", args)


def list_scans(session: Session, principal: Principal, req: PageRequest) -> Page[Scan]:
    """List visible scans."""
    require(session, principal, actions.VIEW.name)
    r = repo.ScanRepository(session)
    return r.page(r.base_query(principal), req)


def get_scan(session: Session, principal: Principal, scan_id: uuid.UUID) -> Scan:
    """Return a visible scan."""
    scan = repo.ScanRepository(session).get(principal, scan_id)
    if scan is None:
        raise NotFound("scan not found")
    return scan


def scan_findings(session: Session, principal: Principal, scan_id: uuid.UUID) -> list[ScanFinding]:
    """Return a visible scan's findings, most severe first."""
    return list(repo.findings_of(session, get_scan(session, principal, scan_id).id))


def list_findings(session: Session, principal: Principal, req: PageRequest) -> Page[ScanFinding]:
    """List visible audit findings across scans."""
    require(session, principal, actions.VIEW.name)
    r = repo.FindingRepository(session)
    return r.page(r.base_query(principal), req)


def list_discovered(session: Session, principal: Principal, req: PageRequest) -> Page[DiscoveredHost]:
    """List discovered hosts (the shadow-IT queue by default: status=unconfirmed)."""
    require(session, principal, actions.VIEW.name)
    r = repo.HostRepository(session)
    return r.page(r.base_query(principal), req)


def _host(session: Session, principal: Principal, host_id: uuid.UUID) -> DiscoveredHost:
    host = repo.HostRepository(session).get(principal, host_id)
    if host is None:
        raise NotFound("discovered host not found")
    require(session, principal, actions.EDIT.name, host)
    if host.status != "unconfirmed":
        raise Conflict(f"this host was already {host.status}")
    return host


def adopt_host(
    session: Session, principal: Principal, host_id: uuid.UUID, hostname: str = "", unit_id: uuid.UUID | None = None
) -> DiscoveredHost:
    """Create the inventory asset for a discovered host (through inventory's service) and mark it adopted; its
    network findings move to the asset with their triage and history, so the next scan continues them."""
    host = _host(session, principal, host_id)
    name = hostname or (
        host.hostnames[0] if host.hostnames else "host-" + host.address.replace(".", "-").replace(":", "-")
    )
    is_mac = host.address.count(":") == 5 and "." not in host.address
    data = AssetCreate.model_validate({
        "hostname": name, "org_unit_id": unit_id or host.org_unit_id, "ip_addresses": [] if is_mac else [host.address],
        "mac_addresses": host.macs, "source": "scan:discovered", "description": "adopted from the shadow-IT queue",
    })  # fmt: skip
    asset = inventory.create_record(session, principal, inventory.kind_of("asset"), data)
    host.status, host.asset_id, host.decided_by = "adopted", asset.id, principal.username
    session.flush()
    host_issues.adopt_issues(session, host, asset.id, principal.username, utcnow())
    return host


def dismiss_host(session: Session, principal: Principal, host_id: uuid.UUID, reason: str) -> DiscoveredHost:
    """Dismiss a discovered host (guest device, scanner artefact …) with a reason; its findings close with it."""
    if not reason.strip():
        raise InvalidInput.one("body.reason", "say why the host is dismissed")
    host = _host(session, principal, host_id)
    host.status, host.reason, host.decided_by = "dismissed", reason.strip()[:4000], principal.username
    session.flush()
    host_issues.dismiss_issues(session, host, principal.username, utcnow())
    return host
