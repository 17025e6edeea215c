"""The training permission actions: the security team runs programs; auditors export the evidence."""

from tandem.platform.auth.roles import READ_ROLES, register_action

EDITORS = {"ciso", "security_analyst"}
VIEW = register_action("training.view", "See training programs, completions, policies and phishing results", READ_ROLES)
EDIT = register_action("training.edit", "Create and change courses, programs, policies and campaigns", EDITORS)
IMPORT = register_action("training.import", "Import LMS completions and phishing-simulation results", EDITORS)
EXPORT = register_action(
    "training.export",
    "Export training and acknowledgement evidence for auditors",
    {"ciso", "security_analyst", "auditor", "cio"},
)
