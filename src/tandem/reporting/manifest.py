"""What reporting plugs into Tandem: the role-home panels, board packs, the watch list, metrics and exports."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import Manifest, NavItem
from tandem.reporting import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.reporting import cli
from tandem.reporting.board import jobs as _board_jobs  # noqa: F401 - registers reporting.generate_board_pack
from tandem.reporting.demo import load_board, load_watch
from tandem.reporting.homes.panels import PANELS
from tandem.reporting.watch import jobs as _watch_jobs  # noqa: F401 - registers reporting.fetch_watch

HERE = Path(__file__).parent
SECTION = "Reporting"

MANIFEST = Manifest(
    name="reporting",
    api_routers=["tandem.reporting.homes.api", "tandem.reporting.board.api", "tandem.reporting.watch.api"],
    web_routers=["tandem.reporting.homes.web", "tandem.reporting.board.web", "tandem.reporting.watch.web"],
    cli=cli.app,
    cli_aliases={"report": cli.app},
    nav=[
        NavItem("Board packs", "/reporting/board", "reporting.view", SECTION),
        NavItem("Watch list", "/reporting/watch", "reporting.view", SECTION),
        NavItem("Metrics", "/reporting/metrics", "reporting.view", SECTION),
    ],
    home_panels=PANELS,
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_watch,
    demo_after=load_board,
)
