"""The ordered list of domains: the only module that names them all."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from tandem.platform.manifest import Manifest

# Lowest first (ARCHITECTURE.md §4). Each name is a package with a manifest.py exposing MANIFEST.
DOMAINS: list[str] = [
    "inventory", "data", "vulnerabilities", "compliance", "access", "monitoring", "privacy",
    "vendors", "training", "risk", "strategy", "incidents", "reporting",
]  # fmt: skip


# Top-level CLI groups a domain adds besides its own (Manifest.cli_aliases), so `tandem policies …` loads training.
CLI_ALIASES: dict[str, str] = {"policies": "training", "report": "reporting", "network": "monitoring"}


def load_manifests() -> list[Manifest]:
    """Import the platform's and every domain's manifest, lowest first."""
    from tandem.platform.routes import MANIFEST as platform_manifest

    manifests = [platform_manifest]
    for name in DOMAINS:
        manifests.append(load_manifest(name))
    return manifests


def load_manifest(name: str) -> Manifest:
    """Import one domain's manifest (and, through its imports, the lower domains it uses)."""
    manifest: Manifest = importlib.import_module(f"tandem.{name}.manifest").MANIFEST
    return manifest


def migration_dirs() -> list[Path]:
    """Return every domain's migration folder without importing the domains."""
    dirs = []
    for name in DOMAINS:
        spec = importlib.util.find_spec(f"tandem.{name}")
        if spec is None or not spec.submodule_search_locations:
            continue
        path = Path(next(iter(spec.submodule_search_locations))) / "migrations" / "versions"
        if path.is_dir():
            dirs.append(path)
    return dirs
