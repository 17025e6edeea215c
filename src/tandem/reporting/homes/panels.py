"""The role-home panels reporting contributes (skeleton; filled in by its owner)."""

from tandem.platform.manifest import HomePanel

PANELS: list[HomePanel] = []
