"""The vulnerabilities domain's permission actions: the security side edits, everyone reads."""

from tandem.platform.auth.roles import CISO_SIDE, READ_ROLES, register_action

VIEW = register_action("vulnerabilities.view", "See advisories, feed status and vulnerability findings", READ_ROLES)
EDIT = register_action(
    "vulnerabilities.edit", "Import feeds, run matching and triage vulnerability findings", CISO_SIDE
)
