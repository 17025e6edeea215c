"""Users, org units, roles and grants, sessions, API tokens and the permission registry."""
