"""What the incidents domain plugs into Tandem: routers, the CLI group, navigation, the alert job, migrations,
demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.incidents import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.incidents import checks as _checks  # noqa: F401 - registers the control checks
from tandem.incidents import cli
from tandem.incidents import jobs as _jobs  # noqa: F401 - registers incidents.alert_overdue
from tandem.incidents.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Incidents"

MANIFEST = Manifest(
    name="incidents",
    api_routers=["tandem.incidents.api"],
    cli=cli.app,
    web_routers=[
        "tandem.incidents.web_more",
        "tandem.incidents.web",
    ],  # web_more first: /incidents/playbooks before /incidents/{id}
    nav=[
        NavItem("Incidents", "/incidents", "incidents.view", SECTION),
        NavItem("Breach register", "/incidents/register", "incidents.view", SECTION),
        NavItem("Notification rules", "/incidents/rules", "incidents.view", SECTION),
        NavItem("Playbooks", "/incidents/playbooks", "incidents.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
