"""What the vendors domain plugs into Tandem: routers, the CLI group, navigation, home panels, the reminder job,
migrations, templates and demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import HomePanel, Manifest, NavItem
from tandem.vendors import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.vendors import checks as _checks  # noqa: F401 - registers the control checks
from tandem.vendors import cli, panels
from tandem.vendors import jobs as _jobs  # noqa: F401 - registers vendors.remind_renewals
from tandem.vendors import models as _models  # noqa: F401 - registers the tables
from tandem.vendors.demo import load_demo

HERE = Path(__file__).parent
SECTION = "Vendors"

MANIFEST = Manifest(
    name="vendors",
    api_routers=["tandem.vendors.api"],
    cli=cli.app,
    web_routers=["tandem.vendors.web", "tandem.vendors.web_forms", "tandem.vendors.web_public"],
    nav=[
        NavItem("Vendors", "/vendors", "vendors.view", SECTION),
        NavItem("Renewals", "/vendors/renewals", "vendors.view", SECTION),
        NavItem("Spend × risk", "/vendors/portfolio", "vendors.view", SECTION),
        NavItem("Questionnaires", "/vendors/questionnaires", "vendors.view", SECTION),
    ],
    home_panels=[
        HomePanel(
            "cio", "Upcoming renewals", "vendors/panel_renewals.html", "vendors.view", panels.renewals_context, 40
        ),
        HomePanel("ciso", "Vendor flags", "vendors/panel_flags.html", "vendors.view", panels.flags_context, 60),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
