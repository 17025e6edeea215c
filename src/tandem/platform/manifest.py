"""What a domain plugs into the platform; app.py assembles the product from these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter


@dataclass(frozen=True)
class NavItem:
    """A navigation link, shown only to users who hold its action somewhere."""

    label: str
    path: str
    action: str
    section: str = "Inventory"


@dataclass(frozen=True)
class HomePanel:
    """A panel on a role home page: a template rendered with context(session, principal)."""

    home: str  # cio | ciso | joint
    title: str
    template: str
    action: str
    context: Callable[..., dict[str, Any]]
    order: int = 100


@dataclass
class Manifest:
    """A domain's routers, CLI group, navigation, home panels, migrations and demo loader."""

    name: str
    api_routers: list[APIRouter] = field(default_factory=list)
    web_routers: list[APIRouter] = field(default_factory=list)
    cli: Any = None  # a typer.Typer added as `tandem <name>`
    cli_aliases: dict[str, Any] = field(default_factory=dict)  # extra top-level groups, e.g. `tandem policies`
    nav: list[NavItem] = field(default_factory=list)
    home_panels: list[HomePanel] = field(default_factory=list)
    migrations: Path | None = None
    templates: Path | None = None
    demo: Callable[..., None] | None = None  # demo(session, org) adds the domain's sample data
    # demo_after(session, org) runs once every domain's demo has run: for sample data computed from the others'
    # (automated control test results, this quarter's board pack).
    demo_after: Callable[..., None] | None = None
