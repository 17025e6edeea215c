"""What compliance plugs into Tandem: routers, the CLI group, navigation, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.compliance import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.compliance import api, api_records, cli, web
from tandem.compliance.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Compliance"

MANIFEST = Manifest(
    name="compliance",
    api_routers=[api.router, api_records.router],
    cli=cli.app,
    web_routers=[web.router],
    nav=[
        NavItem("Frameworks", "/compliance/frameworks", "compliance.view", SECTION),
        NavItem("Controls", "/compliance/controls", "compliance.view", SECTION),
        NavItem("Assessments", "/compliance/assessments", "compliance.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
