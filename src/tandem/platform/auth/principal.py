"""The Principal: who is acting, with which grants, and the checks built on them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tandem.platform.auth.roles import get_action


@dataclass(frozen=True)
class Grant:
    """A role on an org unit, with the unit's materialised path."""

    role: str
    org_unit_id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Principal:
    """An authenticated user (possibly through a token with limited scopes)."""

    user_id: uuid.UUID | None
    username: str
    grants: tuple[Grant, ...] = ()
    # None = a session (no scope limit); otherwise the token's scopes such as "inventory:read", "*:write".
    scopes: frozenset[str] | None = None
    token_id: uuid.UUID | None = None
    must_change_password: bool = False
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def roles(self) -> set[str]:
        """Return the roles held anywhere."""
        return {g.role for g in self.grants}

    def scope_allows(self, action: str) -> bool:
        """Return whether the token's scopes (if any) allow the action."""
        if self.scopes is None:
            return True
        act = get_action(action)
        # A write scope implies read on the same domain.
        wanted = ("read", "write") if act.is_read else ("write",)
        return any(f"{d}:{w}" in self.scopes for d in (act.domain, "*") for w in wanted)

    def granted_paths(self, action: str) -> list[str]:
        """Return the unit paths under which the principal may perform the action."""
        if not self.scope_allows(action):
            return []
        roles = get_action(action).roles
        return [g.path for g in self.grants if g.role in roles]

    def can(self, action: str, org_unit_path: str | None = None) -> bool:
        """Return whether the action is allowed on an object in the unit (None = unscoped object)."""
        paths = self.granted_paths(action)
        if org_unit_path is None:
            return bool(paths)
        return any(org_unit_path.startswith(p) for p in paths)

    def can_anywhere(self, action: str) -> bool:
        """Return whether the principal holds the action on at least one unit."""
        return bool(self.granted_paths(action))


ANONYMOUS = Principal(user_id=None, username="anonymous")

# Whoever runs the CLI on the server already holds the database and its keys; commands act with
# administrator rights over the whole tree, and the audit log names the OS account (Actor "cli").
CONSOLE = Principal(
    user_id=uuid.UUID(int=0),
    username="console",
    grants=(Grant("admin", uuid.UUID(int=0), "/"),),
)
