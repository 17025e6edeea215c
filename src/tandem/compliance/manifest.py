"""What compliance plugs into Tandem: routers, the CLI group, navigation, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.compliance import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.compliance import cli
from tandem.compliance.automation import jobs as _jobs  # noqa: F401 - registers compliance.run_control_tests
from tandem.compliance.automation.demo import run_demo_tests
from tandem.compliance.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent
SECTION = "Compliance"

MANIFEST = Manifest(
    name="compliance",
    api_routers=["tandem.compliance.api", "tandem.compliance.api_records", "tandem.compliance.automation.api"],
    cli=cli.app,
    # The form routers come first: their fixed paths (/controls/new) must win over the {id} pages.
    web_routers=[
        "tandem.compliance.web_controls",
        "tandem.compliance.web_assessments",
        "tandem.compliance.web_library",
        "tandem.compliance.web_mappings",
        "tandem.compliance.web_poam",
        "tandem.compliance.automation.web",
        "tandem.compliance.web",
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
