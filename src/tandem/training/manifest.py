"""What the training domain plugs into Tandem: routers, the CLI group, navigation, jobs, home panel, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import HomePanel, Manifest, NavItem
from tandem.training import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.training import api, api_policies, cli, public, web, web_courses, web_forms, web_import, web_records
from tandem.training import checks as _checks  # noqa: F401 - registers the control checks
from tandem.training import jobs as _jobs  # noqa: F401 - registers the periodic jobs
from tandem.training import people_events as _people_events  # noqa: F401 - follows joiners and leavers
from tandem.training.demo import load_demo
from tandem.training.web import ciso_panel

HERE = Path(__file__).parent
SECTION = "Training"

MANIFEST = Manifest(
    name="training",
    api_routers=[api_policies.router, api.router],
    cli=cli.app,
    cli_aliases={"policies": cli.policies_app},
    web_routers=[
        web.router,
        web_courses.router,
        web_forms.router,
        web_import.router,
        web_records.router,
        public.router,
    ],
    nav=[
        NavItem("Status", "/training", "training.view", SECTION),
        NavItem("Programs", "/training/programs", "training.view", SECTION),
        NavItem("Policies", "/training/policies", "training.view", SECTION),
        NavItem("Phishing", "/training/phishing", "training.view", SECTION),
        NavItem("Import", "/training/import", "training.import", SECTION),
    ],
    home_panels=[
        HomePanel("ciso", "Security awareness", "training/panel.html", "training.view", ciso_panel, order=60),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
