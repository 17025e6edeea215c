"""What the data domain plugs into Tandem: routers, the CLI group, navigation, the scan job, migrations, demo."""

from __future__ import annotations

from pathlib import Path

from tandem.data import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.data import cli
from tandem.data import jobs as _jobs  # noqa: F401 - registers the scan job
from tandem.data.demo import load_demo
from tandem.platform.manifest import Manifest, NavItem

HERE = Path(__file__).parent

MANIFEST = Manifest(
    name="data",
    api_routers=["tandem.data.api"],
    cli=cli.app,
    web_routers=["tandem.data.web"],
    nav=[NavItem("Data catalog", "/data", "data.view", "Security")],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
