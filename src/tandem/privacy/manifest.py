"""What the privacy domain plugs into Tandem."""

from __future__ import annotations

from tandem.platform.manifest import Manifest

MANIFEST = Manifest(name="privacy")
