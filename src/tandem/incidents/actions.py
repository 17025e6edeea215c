"""The incidents permission actions: the CISO's team runs incidents; the CIO joins; admins edit the rules."""

from tandem.platform.auth.roles import READ_ROLES, register_action

RESPONDERS = {"ciso", "security_analyst", "cio"}
VIEW = register_action(
    "incidents.view", "See incidents, their timeline, obligations and the breach register", READ_ROLES
)
EDIT = register_action("incidents.edit", "Open and work incidents: facts, scope, tasks, obligations", RESPONDERS)
DECIDE = register_action("incidents.decide", "Record the notify / not-notify decision of an incident", {"ciso"})
RULES = register_action("incidents.rules", "Edit and add breach-notification rules and playbooks", {"ciso"})
