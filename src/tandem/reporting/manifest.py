"""What reporting plugs into Tandem: the role-home panels, board packs, the watch list, metrics and exports."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import Manifest, NavItem
from tandem.reporting import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.reporting import cli
from tandem.reporting.board import api as board_api
from tandem.reporting.board import web as board_web
from tandem.reporting.demo import load_board, load_watch
from tandem.reporting.homes import api as homes_api
from tandem.reporting.homes import web as homes_web
from tandem.reporting.homes.panels import PANELS
from tandem.reporting.watch import api as watch_api
from tandem.reporting.watch import jobs as _watch_jobs  # noqa: F401 - registers reporting.fetch_watch
from tandem.reporting.watch import web as watch_web

HERE = Path(__file__).parent
SECTION = "Reporting"

MANIFEST = Manifest(
    name="reporting",
    api_routers=[homes_api.router, board_api.router, watch_api.router],
    web_routers=[homes_web.router, board_web.router, watch_web.router],
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
