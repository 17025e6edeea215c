"""The inventory's permission actions."""

from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"cio", "ciso", "it_analyst", "security_analyst"}
VIEW = register_action("inventory.view", "See inventory records, relations and graph queries", READ_ROLES)
EDIT = register_action("inventory.edit", "Create, change and delete inventory records", EDITORS)
ATTEST = register_action("inventory.attest", "Confirm that inventory records are still correct", EDITORS)
IMPORT = register_action("inventory.import", "Import inventory files (CSV, JSON, CycloneDX SBOM)", EDITORS)
EXPORT = register_action("inventory.export", "Export inventory records", READ_ROLES)
