"""What monitoring plugs into Tandem: routers, the CLI group, navigation, the scan job, migrations, demo."""

from __future__ import annotations

from pathlib import Path

from tandem.monitoring import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.monitoring import api, audits_api, audits_web, checklists_web, cli, issues_web, web
from tandem.monitoring import checks as _checks  # noqa: F401 - registers the control checks
from tandem.monitoring import jobs as _jobs  # noqa: F401 - registers the scan import job
from tandem.monitoring.demo import load_demo
from tandem.monitoring.ownchecks import api as ownchecks_api
from tandem.monitoring.ownchecks import jobs as _ownchecks_jobs  # noqa: F401 - registers monitoring.run_checks
from tandem.monitoring.ownchecks import web as ownchecks_web
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Security"

MANIFEST = Manifest(
    name="monitoring",
    api_routers=[api.router, audits_api.router, ownchecks_api.router],
    cli=cli.app,
    cli_aliases={"network": cli.app},
    web_routers=[web.router, issues_web.router, audits_web.router, checklists_web.router, ownchecks_web.router],
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
