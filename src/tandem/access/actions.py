"""The access permission actions: the security team governs access, managers and owners review it."""

from tandem.platform.auth.roles import CISO_SIDE, READ_ROLES, register_action

EDITORS = CISO_SIDE | {"it_analyst"}
VIEW = register_action(
    "access.view", "See identities, accounts, entitlements, effective access and findings", READ_ROLES
)
EDIT = register_action("access.edit", "Change access systems, SoD rules, correlations and finding status", EDITORS)
IMPORT = register_action(
    "access.import", "Import identities, accounts, entitlements, assignments, activity, SCIM", EDITORS
)
ANALYZE = register_action("access.analyze", "Run the access analysis and the activity anomaly rules", EDITORS)
REVIEW = register_action(
    "access.review", "Run access review campaigns and record review decisions", CISO_SIDE | {"cio"}
)
