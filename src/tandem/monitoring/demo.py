"""Northwind Health's network scans: two real nmap scans re-addressed onto the demo network, through the service."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.monitoring import audits, check_queries, issues, service
from tandem.monitoring.schemas import AuditCreate, AuditResultIn, IssueTriageIn
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.db.paging import PageRequest
from tandem.platform.db.types import utcnow
from tandem.platform.errors import NotFound

DATA = Path(__file__).parent / "demo_data"
KNOWN = (b"10.0.0.10", b"srv-000.northwind.example")  # the demo inventory's first host
UNKNOWN = (b"10.0.0.250", b"nas-marketing.northwind.example")  # not in the inventory: shadow IT
_HOST = re.compile(rb"<host .*?</host>", re.S)


def readdress(data: bytes) -> bytes:
    """Turn a one-host localhost scan into a two-host scan of the demo network (known host + unknown host)."""
    match = _HOST.search(data)
    if match is None:
        return data
    host = match.group(0)

    def moved(ip: bytes, name: bytes) -> bytes:
        return host.replace(b'addr="127.0.0.1"', b'addr="' + ip + b'"').replace(
            b'name="localhost"', b'name="' + name + b'"'
        )

    return data[: match.start()] + moved(*KNOWN) + b"\n" + moved(*UNKNOWN) + data[match.end() :]


def load_demo(session: Session, org: Any) -> None:
    """Import the baseline scan, then the later scan with a new port (diffed against the baseline), then this
    morning's certificate sweep of the critical assets (one server still presents an expired certificate)."""
    declare_services(session)
    for name in ("nmap-localhost-baseline.xml", "nmap-localhost-newport.xml"):
        data = readdress((DATA / name).read_bytes())
        service.import_scan(session, CONSOLE, data, name, name.removesuffix(".xml"), "datacenter-boston",
                            org.units["IT"].id)  # fmt: skip
    hosts = [(name, kind, ips[0]) for _, name, kind, ips, *_ in
             check_queries.assets_of_criticality(session, "critical", None) if ips]  # fmt: skip
    if hosts:
        service.import_scan(session, CONSOLE, certificate_sweep(hosts, utcnow() - dt.timedelta(hours=3)),
                            "nmap-critical-tls-sweep.xml", "critical-tls-sweep", "critical-assets",
                            org.units["IT"].id)  # fmt: skip
    triage_demo(session)
    audit_demo(session, org.units["IT"].id)


# What srv-000 is meant to offer: the later scan's 18081 is not among them, so it stays a new-port finding.
SRV_000 = ["12222/tcp ssh", "18080/tcp http plain", "18443/tcp https tls", "18444/tcp https tls"]


def declare_services(session: Session) -> None:
    """Declare the services of the assets the demo scans: srv-000, HTTPS on critical servers, SMB on critical
    endpoints (through inventory's service, as a person editing the asset would)."""
    kind = inventory.kind_of("asset")
    wanted = {asset_id: (["443/tcp https tls"] if asset_kind != "endpoint" else ["445/tcp microsoft-ds plain"])
              for asset_id, _, asset_kind, ips, *_ in check_queries.assets_of_criticality(session, "critical", None)
              if ips}  # fmt: skip
    try:
        _, srv = inventory.resolve_ref(session, CONSOLE, f"asset:{KNOWN[1].decode()}")
        wanted[srv.id] = SRV_000
    except NotFound:
        pass  # an inventory without the demo's first host: only the critical assets
    for asset_id, services in wanted.items():
        inventory.update_record(session, CONSOLE, kind, asset_id,
                                kind.update.model_validate({"declared_services": services}))  # fmt: skip


def triage_demo(session: Session) -> None:
    """Accept the new port the later scan found for a quarter (the lab service is approved until it moves)."""
    req = PageRequest.parse(issues.ISSUE_SPEC, {"rule": "port-new", "status": "open", "limit": "1"})
    for issue in issues.list_issues(session, CONSOLE, req).items:
        until = (utcnow() + dt.timedelta(days=90)).date()
        data = IssueTriageIn(status="accepted", reason="lab build service, approved until it moves to the DMZ",
                             until=until)  # fmt: skip
        issues.triage_issue(session, CONSOLE, issue.id, data)


def audit_demo(session: Session, unit: Any) -> None:
    """Run this quarter's network security audit of IT halfway: two passes, one failure (a raised finding)."""
    checklist = audits.install_template(session, CONSOLE, unit)
    audit = audits.create_audit(session, CONSOLE, AuditCreate(
        checklist_id=checklist.id, org_unit_id=unit, title="Network security audit Q4",
        due_on=(utcnow() + dt.timedelta(days=21)).date()))  # fmt: skip
    for key, result, note, link in (
        ("firewall-rules", "pass", "42 rules reviewed with the network team", "https://wiki.northwind.example/fw"),
        ("logging-enabled", "pass", "firewalls and VPN forward to the SIEM, 180 days kept", ""),
        ("admin-interfaces", "fail", "iDRAC of srv-000 reachable from the office VLAN", ""),
    ):
        data = AuditResultIn(item_key=key, result=result, note=note, evidence_link=link)
        audits.record_result(session, CONSOLE, audit.id, data)


def _cert(hostname: str, not_after: dt.datetime) -> str:
    stamp, name = not_after.strftime("%Y-%m-%dT%H:%M:%S"), escape(hostname)
    return (f'<script id="ssl-cert" output={quoteattr("Subject: commonName=" + hostname)}>'
            f'<table key="subject"><elem key="commonName">{name}</elem></table>'
            '<table key="pubkey"><elem key="type">rsa</elem><elem key="bits">2048</elem></table>'
            f'<table key="validity"><elem key="notAfter">{stamp}</elem></table></script>')  # fmt: skip


def certificate_sweep(hosts: list[tuple[str, str, str]], when: dt.datetime) -> bytes:
    """Return an nmap XML sweep of (hostname, kind, address): HTTPS with its certificate on servers (the first
    server's expired 9 days ago), SMB on endpoints."""
    start, parts, expired = int(when.timestamp()), [], False
    for hostname, kind, address in hosts:
        if kind == "endpoint":
            port = '<port protocol="tcp" portid="445"><state state="open"/><service name="microsoft-ds"/></port>'
        else:
            not_after = when - dt.timedelta(days=9) if not expired else when + dt.timedelta(days=200)
            expired = True
            port = ('<port protocol="tcp" portid="443"><state state="open"/>'
                    f'<service name="https" tunnel="ssl"/>{_cert(hostname, not_after)}</port>')  # fmt: skip
        parts.append(f'<host starttime="{start}"><status state="up"/><address addr={quoteattr(address)} '
                     f'addrtype="ipv4"/><hostnames><hostname name={quoteattr(hostname)} type="PTR"/></hostnames>'
                     f"<ports>{port}</ports></host>")  # fmt: skip
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<nmaprun scanner="nmap" args="nmap -sV -p 443,445 '
            f'--script ssl-cert -iL critical-assets.txt" start="{start}" version="7.93" xmloutputversion="1.05">'
            + "\n".join(parts) + "</nmaprun>\n").encode()  # fmt: skip
