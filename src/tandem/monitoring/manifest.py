"""What monitoring plugs into Tandem: routers, the CLI group, navigation, the scan job, migrations, demo."""

from __future__ import annotations

from pathlib import Path

from tandem.monitoring import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.monitoring import checks as _checks  # noqa: F401 - registers the control checks
from tandem.monitoring import cli
from tandem.monitoring import jobs as _jobs  # noqa: F401 - registers the scan import job
from tandem.monitoring.demo import load_demo
from tandem.monitoring.ownchecks import jobs as _ownchecks_jobs  # noqa: F401 - registers monitoring.run_checks
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Security"

MANIFEST = Manifest(
    name="monitoring",
    api_routers=["tandem.monitoring.api", "tandem.monitoring.audits_api", "tandem.monitoring.ownchecks.api"],
    cli=cli.app,
    cli_aliases={"network": cli.app},
    web_routers=[
        "tandem.monitoring.web",
        "tandem.monitoring.issues_web",
        "tandem.monitoring.audits_web",
        "tandem.monitoring.checklists_web",
        "tandem.monitoring.ownchecks.web",
    ],
    nav=[
        NavItem("Network scans", "/monitoring/scans", "monitoring.view", SECTION),
        NavItem("Network findings", "/monitoring/findings", "monitoring.view", SECTION),
        NavItem("Network audits", "/monitoring/audits", "monitoring.view", SECTION),
        NavItem("Shadow IT", "/monitoring/shadow-it", "monitoring.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
