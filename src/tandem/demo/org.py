"""Northwind Health: org units and one user per role, then each domain's sample data."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from tandem.domains import load_manifests
from tandem.platform.auth import service
from tandem.platform.auth.models import Meta, OrgUnit
from tandem.platform.errors import Conflict

DEMO_KEY = "demo"
DEMO_VALUE = "northwind-health"
ORG_NAME = "Northwind Health"
UNITS = ["IT", "Security", "Clinical", "Finance", "HR", "Northwind Health Europe"]
# (username, full name, role, unit) — one person per role, as in a real 1,200-person healthcare company.
USERS = [
    ("admin", "Alex Admin", "admin", None),
    ("cio", "Carmen Ortiz (CIO)", "cio", None),
    ("ciso", "Samuel Okafor (CISO)", "ciso", None),
    ("it.analyst", "Priya Raman", "it_analyst", "IT"),
    ("sec.analyst", "Jonas Weber", "security_analyst", "Security"),
    ("auditor", "Grace Liu (Internal Audit)", "auditor", None),
    ("viewer", "Tom Becker (Clinical Ops)", "viewer", "Clinical"),
]


@dataclass
class DemoOrg:
    """What domain demo loaders receive: the units by name and the users by role."""

    root: OrgUnit
    units: dict[str, OrgUnit]
    users: dict[str, object] = field(default_factory=dict)


def demo_state(session: Session) -> str:
    """Return 'empty', 'demo' or 'other' (a database holding someone's real data)."""
    marker = session.get(Meta, DEMO_KEY)
    if marker is not None and marker.value == DEMO_VALUE:
        return "demo"
    if service.root_unit(session) is None and not service.all_users(session):
        return "empty"
    return "other"


def load(session: Session, logins_file: Path) -> list[tuple[str, str, str]]:
    """Build Northwind Health; return (username, role, password) rows, written to logins_file (0600)."""
    state = demo_state(session)
    if state == "other":
        raise Conflict("this database holds data that is not the demo; refusing to add the sample organisation")
    if state == "demo":
        return read_logins(logins_file)
    root = service.create_unit(session, None, ORG_NAME, None)
    units = {name: service.create_unit(session, None, name, root.id) for name in UNITS}
    org = DemoOrg(root, units)
    logins = []
    for username, full_name, role, unit in USERS:
        password = f"demo-{secrets.token_urlsafe(9)}"
        user, _ = service.create_user(
            session,
            None,
            username,
            email=f"{username}@northwind-health.example",
            full_name=full_name,
            password=password,
        )
        service.grant_role(session, None, user.id, role, (units[unit] if unit else root).id)
        org.users[role] = user
        logins.append((username, role, password))
    session.add(Meta(key=DEMO_KEY, value=DEMO_VALUE))
    session.flush()
    manifests = load_manifests()
    for manifest in manifests:
        if manifest.demo is not None:
            manifest.demo(session, org)
    for manifest in manifests:
        if manifest.demo_after is not None:
            manifest.demo_after(session, org)
    write_logins(logins_file, logins)
    return logins


def write_logins(path: Path, logins: list[tuple[str, str, str]]) -> None:
    """Keep the demo passwords beside the database so `make demo` can show them again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text("".join(f"{u}\t{r}\t{p}\n" for u, r, p in logins))


def read_logins(path: Path) -> list[tuple[str, str, str]]:
    """Read the demo logins written at load time."""
    if not path.exists():
        return []
    rows = [line.split("\t") for line in path.read_text().splitlines() if line.count("\t") == 2]
    return [(u, r, p) for u, r, p in rows]
