"""Monitoring's permission actions: the security side and IT (who maintains network data) edit, everyone reads."""

from tandem.platform.auth.roles import CISO_SIDE, READ_ROLES, register_action

VIEW = register_action("monitoring.view", "See network scans, audit findings and the shadow-IT queue", READ_ROLES)
EDIT = register_action(
    "monitoring.edit", "Import scans and adopt or dismiss discovered hosts", CISO_SIDE | {"it_analyst"}
)
