"""The platform's own permission actions."""

from tandem.platform.auth.roles import READ_ROLES, register_action

ORG_VIEW = register_action("org.view", "See org units", READ_ROLES)
ORG_EDIT = register_action("org.edit", "Create, rename and move org units", set())
USERS_VIEW = register_action("users.view", "See users and their roles", {"auditor"})
USERS_EDIT = register_action("users.edit", "Create, disable users and grant roles", set())
ACCOUNT_VIEW = register_action("account.view", "See one's own account and API tokens", READ_ROLES)
ACCOUNT_EDIT = register_action("account.edit", "Change one's own password and API tokens", READ_ROLES)
AUDIT_VIEW = register_action("audit.view", "Read and verify the audit log", {"auditor"})
JOBS_VIEW = register_action("jobs.view", "See one's own jobs", READ_ROLES)
JOBS_MANAGE = register_action("jobs.manage", "See and cancel everyone's jobs", set())
HOME_VIEW = register_action("home.view", "See the role home pages", READ_ROLES)
