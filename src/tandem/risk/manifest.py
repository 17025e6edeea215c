"""What the risk domain plugs into Tandem: routers, the CLI group, navigation, the job, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import Manifest, NavItem
from tandem.risk import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.risk import checks as _checks  # noqa: F401 - registers the control checks
from tandem.risk import cli
from tandem.risk import jobs as _jobs  # noqa: F401 - registers risk.simulate
from tandem.risk import references as _references  # noqa: F401 - registers the links lower domains show
from tandem.risk.demo import load_demo

HERE = Path(__file__).parent
SECTION = "Risk"

MANIFEST = Manifest(
    name="risk",
    api_routers=["tandem.risk.api"],
    cli=cli.app,
    web_routers=["tandem.risk.web"],
    nav=[
        NavItem("Register", "/risk/scenarios", "risk.view", SECTION),
        NavItem("Portfolio", "/risk/portfolio", "risk.view", SECTION),
        NavItem("Matrix & appetite", "/risk/matrix", "risk.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
