"""The inventory's permission actions, and the fields that need their own (ASVS V8.2.3)."""

from tandem.platform.auth.fields import restrict
from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"cio", "ciso", "it_analyst", "security_analyst"}
VIEW = register_action("inventory.view", "See inventory records, relations and graph queries", READ_ROLES)
EDIT = register_action("inventory.edit", "Create, change and delete inventory records", EDITORS)
ATTEST = register_action("inventory.attest", "Confirm that inventory records are still correct", EDITORS)
IMPORT = register_action("inventory.import", "Import inventory files (CSV, JSON, CycloneDX SBOM)", EDITORS)
EXPORT = register_action("inventory.export", "Export inventory records", READ_ROLES)
# The money on an application is the CIO side's: every reader but a plain viewer sees it, its keepers change it.
COSTS_VIEW = register_action(
    "inventory.costs.view", "See the run and change cost of applications", READ_ROLES - {"viewer"}
)
COSTS_EDIT = register_action(
    "inventory.costs.edit", "Set and change the run and change cost of applications", {"cio", "it_analyst"}
)
COST_FIELDS = ("run_cost", "change_cost")
restrict("inventory.application", COST_FIELDS, read=COSTS_VIEW.name, write=COSTS_EDIT.name)
