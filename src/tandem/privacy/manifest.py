"""What the privacy domain plugs into Tandem: routers, the CLI group, navigation, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import Manifest, NavItem
from tandem.privacy import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.privacy import checks as _checks  # noqa: F401 - registers the control checks
from tandem.privacy import cli
from tandem.privacy.demo import link_demo, load_demo

HERE = Path(__file__).parent
SECTION = "Privacy"

MANIFEST = Manifest(
    name="privacy",
    api_routers=["tandem.privacy.api"],
    cli=cli.app,
    web_routers=["tandem.privacy.web"],
    nav=[
        NavItem("Processing activities", "/privacy/ropa", "privacy.view", SECTION),
        NavItem("DPIAs", "/privacy/dpias", "privacy.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
    demo_after=link_demo,
)
