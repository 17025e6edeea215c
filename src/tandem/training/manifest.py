"""What the training domain plugs into Tandem: routers, the CLI group, navigation, jobs, home panel, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import HomePanel, Manifest, NavItem
from tandem.training import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.training import checks as _checks  # noqa: F401 - registers the control checks
from tandem.training import cli
from tandem.training import jobs as _jobs  # noqa: F401 - registers the periodic jobs
from tandem.training import people_events as _people_events  # noqa: F401 - follows joiners and leavers
from tandem.training.demo import load_demo

HERE = Path(__file__).parent
SECTION = "Training"

MANIFEST = Manifest(
    name="training",
    api_routers=["tandem.training.api_policies", "tandem.training.api"],
    cli=cli.app,
    cli_aliases={"policies": cli.policies_app},
    web_routers=[
        "tandem.training.web",
        "tandem.training.web_courses",
        "tandem.training.web_forms",
        "tandem.training.web_import",
        "tandem.training.web_records",
        "tandem.training.public",
    ],
    nav=[
        NavItem("Status", "/training", "training.view", SECTION),
        NavItem("Programs", "/training/programs", "training.view", SECTION),
        NavItem("Policies", "/training/policies", "training.view", SECTION),
        NavItem("Phishing", "/training/phishing", "training.view", SECTION),
        NavItem("Import", "/training/import", "training.import", SECTION),
    ],
    home_panels=[
        HomePanel(
            "ciso", "Security awareness", "training/panel.html", "training.view", "tandem.training.web:ciso_panel", 60
        ),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
