"""The strategy permission actions: the CIO and CISO plan together; approvals are theirs alone."""

from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"cio", "ciso", "it_analyst", "security_analyst"}
VIEW = register_action("strategy.view", "See objectives, initiatives, plans, the frontier and decisions", READ_ROLES)
EDIT = register_action("strategy.edit", "Create and change objectives, initiatives, scenarios and decisions", EDITORS)
PLAN = register_action("strategy.plan", "Run the portfolio optimiser and the frontier; set the policy", {"cio", "ciso"})
IMPORT = register_action("strategy.import", "Import initiatives from CSV or JSON", EDITORS)
APPROVE = register_action("strategy.approve", "Approve or reject a joint decision or a plan (CIO or CISO)",
                          {"cio", "ciso"})  # fmt: skip
EXPORT = register_action("strategy.export", "Export the plan as CSV or a one-page board PDF", READ_ROLES)
