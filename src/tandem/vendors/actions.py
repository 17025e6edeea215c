"""The vendors permission actions: the CIO's side buys and renews, the CISO's side assesses third-party risk."""

from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"cio", "it_analyst", "ciso", "security_analyst"}
VIEW = register_action("vendors.view", "See vendor contracts, spend, renewals, agreements and risk tiers", READ_ROLES)
EDIT = register_action(
    "vendors.edit", "Change vendor contracts, documents, agreements and data-access profiles", EDITORS
)
ASSESS = register_action(
    "vendors.assess", "Send vendor questionnaires, review answers, manage findings and tier overrides",
    {"ciso", "security_analyst", "cio"},
)  # fmt: skip
IMPORT = register_action("vendors.import", "Import contracts and questionnaires from CSV or XLSX", EDITORS)
