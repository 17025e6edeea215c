"""What the strategy domain plugs into Tandem: routers, the CLI group, navigation, the job, migrations, demo data."""

from __future__ import annotations

from pathlib import Path

from tandem.platform.manifest import Manifest, NavItem
from tandem.strategy import actions as _actions  # noqa: F401 - registers the permission actions
from tandem.strategy import cli
from tandem.strategy import jobs as _jobs  # noqa: F401 - registers strategy.optimize_plan
from tandem.strategy.demo import load_demo

HERE = Path(__file__).parent
SECTION = "Strategy"

MANIFEST = Manifest(
    name="strategy",
    api_routers=["tandem.strategy.api"],
    cli=cli.app,
    web_routers=["tandem.strategy.web", "tandem.strategy.webplan", "tandem.strategy.web_fit"],
    nav=[
        NavItem("Initiatives", "/strategy/initiatives", "strategy.view", SECTION),
        NavItem("Plan & roadmap", "/strategy/plan", "strategy.view", SECTION),
        NavItem("Frontier", "/strategy/frontier", "strategy.view", SECTION),
        NavItem("Plans & scenarios", "/strategy/plans", "strategy.view", SECTION),
        NavItem("Scenarios & policy", "/strategy/scenarios", "strategy.view", SECTION),
        NavItem("Rationalisation (TIME)", "/strategy/rationalisation", "strategy.view", SECTION),
        NavItem("Decision log", "/strategy/decisions", "strategy.view", SECTION),
    ],
    migrations=HERE / "migrations" / "versions",
    templates=HERE / "templates",
    demo=load_demo,
)
