"""The reporting permission actions: everyone reads the homes; the executives draft and publish board packs; the
security and IT teams triage the watch list."""

from tandem.platform.auth.roles import READ_ROLES, register_action

VIEW = register_action("reporting.view", "See the role homes, metrics, board packs and the watch list", READ_ROLES)
EDIT = register_action("reporting.edit", "Draft board packs: generate, edit sections and commentary", {"cio", "ciso"})
PUBLISH = register_action("reporting.publish", "Publish a board pack (immutable once published)", {"cio", "ciso"})
WATCH = register_action(
    "reporting.watch",
    "Triage the regulatory and threat watch list and import feed files",
    {"cio", "ciso", "security_analyst", "it_analyst"},
)
