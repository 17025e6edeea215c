"""The data domain's permission actions: everyone reads the catalog, the security side scans and classifies."""

from tandem.platform.auth.roles import CISO_SIDE, READ_ROLES, register_action

VIEW = register_action(
    "data.view", "See the data catalog: scans, findings (masked), classification suggestions", READ_ROLES
)
SCAN = register_action("data.scan", "Start, cancel and resume sensitive-data scans of files and databases", CISO_SIDE)
CLASSIFY = register_action("data.classify", "Confirm or correct a data store's discovered classification", CISO_SIDE)
