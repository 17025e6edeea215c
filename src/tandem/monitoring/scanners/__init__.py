"""Pure scan-file parsers (nmap, Greenbone) and loopback-safe audit rules; bytes in, values or located errors out."""

from .checks import Finding, audit_scan, diff_ports, port_tuples, unknown_hosts
from .greenbone import GvmReport, GvmResult, GvmSeverity, parse_greenbone
from .nmap import Host, NmapScan, OsGuess, Port, Script, Service, parse_nmap

__all__ = [
    "Finding",
    "GvmReport",
    "GvmResult",
    "GvmSeverity",
    "Host",
    "NmapScan",
    "OsGuess",
    "Port",
    "Script",
    "Service",
    "audit_scan",
    "diff_ports",
    "parse_greenbone",
    "parse_nmap",
    "port_tuples",
    "unknown_hosts",
]
