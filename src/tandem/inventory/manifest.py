"""What the inventory plugs into Tandem: routers, the CLI group, navigation, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.inventory import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.inventory import checks as _checks  # noqa: F401 - registers the control checks
from tandem.inventory import cli
from tandem.inventory import jobs as _jobs  # noqa: F401 - registers the import job
from tandem.inventory.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent

MANIFEST = Manifest(
    name="inventory",
    api_routers=["tandem.inventory.api"],
    cli=cli.app,
    web_routers=["tandem.inventory.web_import", "tandem.inventory.web"],
    nav=[
        NavItem("Overview", "/inventory", "inventory.view"),
        NavItem("Applications", "/inventory/applications", "inventory.view"),
        NavItem("Capabilities", "/inventory/capabilities", "inventory.view"),
        NavItem("Assets", "/inventory/assets", "inventory.view"),
        NavItem("Software", "/inventory/software", "inventory.view"),
        NavItem("Data stores", "/inventory/data-stores", "inventory.view"),
        NavItem("Vendors", "/inventory/vendors", "inventory.view"),
        NavItem("People", "/inventory/people", "inventory.view"),
        NavItem("Relations", "/inventory/relations", "inventory.view"),
        NavItem("Freshness", "/inventory/freshness", "inventory.view"),
        NavItem("Import", "/inventory/import", "inventory.import"),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
