"""What a domain plugs into the platform; app.py assembles the product from these.

Routers (and home-panel contexts that live in web modules) are named, not imported: "package.module" means the
module's `router`, "package.module:name" another attribute. Only the web application imports them, so a command
line run loads a domain's CLI, jobs and permissions without FastAPI and without every route of the domain."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import APIRouter


def resolve(ref: str, default_attribute: str = "router") -> Any:
    """Import "package.module[:attribute]" and return the attribute."""
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute or default_attribute)


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
    context: Callable[..., dict[str, Any]] | str  # or "package.module:function"
    order: int = 100

    def context_function(self) -> Callable[..., dict[str, Any]]:
        """Return the context function, importing it when the panel names it."""
        if isinstance(self.context, str):
            function: Callable[..., dict[str, Any]] = resolve(self.context)
            return function
        return self.context


@dataclass
class Manifest:
    """A domain's routers, CLI group, navigation, home panels, migrations and demo loader."""

    name: str
    api_routers: list[str] = field(default_factory=list)  # module names, see the module docstring
    web_routers: list[str] = field(default_factory=list)
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

    def routers(self) -> list[APIRouter]:
        """Import and return the API routers, then the web routers, in the order named."""
        return [resolve(ref) for ref in self.api_routers + self.web_routers]
