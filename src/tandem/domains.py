"""The ordered list of domains: the only module that names them all."""

from __future__ import annotations

import importlib

from tandem.platform.manifest import Manifest

# Lowest first (ARCHITECTURE.md §4). Each name is a package with a manifest.py exposing MANIFEST.
DOMAINS: list[str] = [
    "inventory", "data", "vulnerabilities", "compliance", "access", "monitoring", "privacy",
    "vendors", "training", "risk", "strategy", "incidents",
]  # fmt: skip


def load_manifests() -> list[Manifest]:
    """Import the platform's and every domain's manifest, lowest first."""
    from tandem.platform.routes import MANIFEST as platform_manifest

    manifests = [platform_manifest]
    for name in DOMAINS:
        manifests.append(importlib.import_module(f"tandem.{name}.manifest").MANIFEST)
    return manifests
