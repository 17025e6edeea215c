"""The risk permission actions: the CISO's team keeps the register, the CIO may edit, only the CISO accepts."""

from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"ciso", "security_analyst", "cio"}
VIEW = register_action("risk.view", "See risk scenarios, ratings, treatments and simulation results", READ_ROLES)
EDIT = register_action("risk.edit", "Create and change risk scenarios, treatments, matrices and taxonomy", EDITORS)
ACCEPT = register_action("risk.accept", "Accept a risk on the organisation's behalf", {"ciso"})
SIMULATE = register_action("risk.simulate", "Run Monte Carlo simulations and what-if comparisons", EDITORS)
IMPORT = register_action("risk.import", "Import risk scenarios from CSV or JSON", EDITORS)
