"""What the vulnerabilities domain plugs into Tandem: routers, the CLI group, navigation, jobs, migrations, demo."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import Manifest, NavItem
from tandem.vulnerabilities import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.vulnerabilities import checks as _checks  # noqa: F401 - registers the control checks
from tandem.vulnerabilities import cli
from tandem.vulnerabilities import cves as _cves  # noqa: F401 - registers findings shown on inventory records
from tandem.vulnerabilities import jobs as _jobs  # noqa: F401 - registers the import, sync and match jobs
from tandem.vulnerabilities import sync_models as _sync_models  # noqa: F401 - the NVD sync table joins the metadata
from tandem.vulnerabilities.demo import load_demo

HERE = Path(__file__).parent
SECTION = "Security"

MANIFEST = Manifest(
    name="vulnerabilities",
    api_routers=["tandem.vulnerabilities.api"],
    cli=cli.app,
    cli_aliases={"vulns": cli.app},
    web_routers=["tandem.vulnerabilities.web"],
    nav=[
        NavItem("Vulnerabilities", "/vulnerabilities", "vulnerabilities.view", SECTION),
        NavItem("Feeds", "/vulnerabilities/feeds", "vulnerabilities.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
