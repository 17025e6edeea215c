"""Dependency audit for `make security` that never passes because the vulnerability database was out of reach.

    python -m security.pip_audit [--service pypi|osv] [--local-db DIR] [--timeout 10]

pip-audit answers "No known vulnerabilities found" and exits 0 when its service cannot be reached (every package
then counts as "not found"). So: first check that the service answers; if it does not, fail with exit 2 and say
so, unless --local-db names an offline advisory snapshot (OSV-format YAML/JSON files, e.g. a checkout of the PyPA
advisory database: vulns/<package>/PYSEC-*.yaml), which is then matched against the installed distributions.
When online, run `pip-audit --strict --skip-editable` (strict: a package that could not be audited fails the run;
skip-editable: Tandem itself is not on PyPI).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

# What pip-audit itself asks for: the advisory list of one exact release (a mirror may serve /pypi/<name>/json
# but 404 every release, which pip-audit reports as "not found on PyPI" and, without --strict, as a pass).
PROBES = {
    "pypi": ("GET", f"https://pypi.org/pypi/httpx/{metadata.version('httpx')}/json", None),
    "osv": ("POST", "https://api.osv.dev/v1/query", {"package": {"name": "pip", "ecosystem": "PyPI"}}),
}
UNREACHABLE = 2


def service_reachable(service: str, timeout: float) -> str | None:
    """Return None if the vulnerability service answers, else why not."""
    method, url, body = PROBES[service]
    try:
        response = httpx.request(method, url, json=body, timeout=timeout)
    except httpx.HTTPError as exc:
        return f"{url}: {type(exc).__name__}: {exc}"
    if response.status_code != 200:
        return f"{url}: HTTP {response.status_code}"
    if service == "pypi" and "vulnerabilities" not in response.json():
        return f"{url}: the answer carries no vulnerability data"
    return None


def installed() -> dict[str, Version]:
    """Return the installed distributions (canonical name → version), editable installs excluded."""
    found: dict[str, Version] = {}
    for dist in metadata.distributions():
        direct = dist.read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            continue
        try:
            found[canonicalize_name(dist.metadata["Name"])] = Version(dist.version)
        except (InvalidVersion, TypeError):
            continue
    return found


def _advisories(folder: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            yield yaml.safe_load(path.read_text()) or {}
        elif path.suffix == ".json":
            yield json.loads(path.read_text())


def _in_ranges(version: Version, ranges: list[dict[str, Any]]) -> bool:
    for span in ranges:
        if span.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        introduced: Version | None = None
        for event in span.get("events", []):
            if "introduced" in event:
                introduced = Version("0") if event["introduced"] == "0" else Version(event["introduced"])
            elif "fixed" in event and introduced is not None:
                if introduced <= version < Version(event["fixed"]):
                    return True
                introduced = None
        if introduced is not None and version >= introduced:
            return True
    return False


def match_local(folder: Path, packages: dict[str, Version]) -> list[str]:
    """Return `name version: advisory id` for each installed version an OSV advisory in folder affects."""
    hits = []
    for advisory in _advisories(folder):
        for affected in advisory.get("affected", []):
            package = affected.get("package", {})
            name = canonicalize_name(package.get("name", ""))
            if package.get("ecosystem") != "PyPI" or name not in packages:
                continue
            version = packages[name]
            listed = str(version) in {str(v) for v in affected.get("versions", [])}
            if listed or _in_ranges(version, affected.get("ranges", [])):
                hits.append(f"{name} {version}: {advisory.get('id', '?')} {advisory.get('summary', '')}".rstrip())
    return sorted(set(hits))


def run_pip_audit(service: str) -> int:
    """Run pip-audit strictly against the live service; return its exit code."""
    command = [
        sys.executable, "-m", "pip_audit", "--strict", "--skip-editable", "--progress-spinner", "off",
        "--vulnerability-service", service,
    ]  # fmt: skip
    try:
        return subprocess.run(command, check=False).returncode
    except FileNotFoundError:
        return UNREACHABLE


def main(argv: list[str] | None = None) -> int:
    """Audit the environment; exit 0 clean, 1 vulnerable or not fully audited, 2 when no database was reachable."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--service", choices=sorted(PROBES), default="pypi")
    parser.add_argument("--local-db", type=Path, default=None, help="offline OSV advisory snapshot (folder)")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    if args.local_db is not None:
        if not args.local_db.is_dir():
            print(f"dependency audit: {args.local_db} is not a folder of advisories", file=sys.stderr)
            return UNREACHABLE
        hits = match_local(args.local_db, installed())
        print("\n".join(hits) or f"no known vulnerabilities in the snapshot {args.local_db} (check its date)")
        return 1 if hits else 0
    if (why := service_reachable(args.service, args.timeout)) is not None:
        print(
            f"dependency audit FAILED: vulnerability database unreachable ({why}); not reporting a pass. "
            "Run where the network allows, or pass --local-db with an advisory snapshot.",
            file=sys.stderr,
        )
        return UNREACHABLE
    try:
        import pip_audit  # noqa: F401  (only to say clearly that it is missing)
    except ImportError:
        print("dependency audit FAILED: pip-audit is not installed (add it to the dev extra)", file=sys.stderr)
        return UNREACHABLE
    return run_pip_audit(args.service)


if __name__ == "__main__":
    sys.exit(main())
