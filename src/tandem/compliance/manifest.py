"""What compliance plugs into Tandem: routers, the CLI group, navigation, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.compliance import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.compliance import (
    api,
    api_records,
    cli,
    web,
    web_assessments,
    web_controls,
    web_library,
    web_mappings,
    web_poam,
)  # fmt: skip
from tandem.compliance.automation import api as auto_api
from tandem.compliance.automation import jobs as _jobs  # noqa: F401 - registers compliance.run_control_tests
from tandem.compliance.automation import web as auto_web
from tandem.compliance.automation.demo import run_demo_tests
from tandem.compliance.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Compliance"

MANIFEST = Manifest(
    name="compliance",
    api_routers=[api.router, api_records.router, auto_api.router],
    cli=cli.app,
    # The form routers come first: their fixed paths (/controls/new) must win over the {id} pages.
    web_routers=[
        web_controls.router,
        web_assessments.router,
        web_library.router,
        web_mappings.router,
        web_poam.router,
        auto_web.router,
        web.router,
    ],
    nav=[
        NavItem("Frameworks", "/compliance/frameworks", "compliance.view", SECTION),
        NavItem("Controls", "/compliance/controls", "compliance.view", SECTION),
        NavItem("Assessments", "/compliance/assessments", "compliance.view", SECTION),
        NavItem("POA&M", "/compliance/poam", "compliance.view", SECTION),
        NavItem("Control drift", "/compliance/drift", "compliance.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
    demo_after=run_demo_tests,
)
