"""What the access domain plugs into Tandem: routers, the CLI group, navigation, jobs, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.access import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.access import checks as _checks  # noqa: F401 - registers the control checks
from tandem.access import cli
from tandem.access import jobs as _jobs  # noqa: F401 - registers access.analyze and access.send_reminders
from tandem.access.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Access"

MANIFEST = Manifest(
    name="access",
    api_routers=["tandem.access.api", "tandem.access.api_reviews"],
    cli=cli.app,
    web_routers=["tandem.access.web", "tandem.access.web_reviews", "tandem.access.web_settings"],
    nav=[
        NavItem("Overview", "/access", "access.view", SECTION),
        NavItem("Who can reach…", "/access/who-can", "access.view", SECTION),
        NavItem("Findings", "/access/findings", "access.view", SECTION),
        NavItem("Identities", "/access/identities", "access.view", SECTION),
        NavItem("Accounts", "/access/accounts", "access.view", SECTION),
        NavItem("Reviews", "/access/campaigns", "access.view", SECTION),
        NavItem("Imports", "/access/imports", "access.view", SECTION),
        NavItem("Systems", "/access/systems", "access.view", SECTION),
        NavItem("SoD rules", "/access/sod-rules", "access.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
