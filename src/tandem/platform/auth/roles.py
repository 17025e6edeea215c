"""The roles and the permission action registry that maps actions to roles."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.platform.lazy import ensure_all_loaded

ROLES: dict[str, str] = {
    "admin": "Administers Tandem: users, roles, settings; may do everything.",
    "cio": "Chief Information Officer: the IT portfolio, strategy, vendors; reads everything.",
    "ciso": "Chief Information Security Officer: the security program; reads everything.",
    "it_analyst": "Maintains the inventory and network data; reads everything but the audit log.",
    "security_analyst": "Works the security program's records; reads everything but the audit log.",
    "auditor": "Reads everything, including the audit log; changes nothing.",
    "viewer": "Reads the records of their units.",
}

READ_ROLES = frozenset(ROLES)


@dataclass(frozen=True)
class Action:
    """A permission action `<domain>.<verb>` and the roles that hold it by default."""

    name: str
    description: str
    roles: frozenset[str]

    @property
    def domain(self) -> str:
        """Return the domain part of the name (used for token scopes)."""
        return self.name.split(".", 1)[0]

    @property
    def is_read(self) -> bool:
        """Return whether the action only reads (so a read-scoped token may use it)."""
        return self.name.rsplit(".", 1)[1] in {"view", "read", "list", "export"}


_registry: dict[str, Action] = {}


def register_action(name: str, description: str, roles: set[str] | frozenset[str]) -> Action:
    """Declare an action; admin always holds it. Re-registering the same action is a no-op."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles for {name}: {sorted(unknown)}")
    action = Action(name, description, frozenset(roles) | {"admin"})
    existing = _registry.get(name)
    if existing is not None and existing != action:
        raise ValueError(f"action {name} registered twice with different roles")
    _registry[name] = action
    return action


def get_action(name: str) -> Action:
    """Return a registered action or fail loudly: a typo must not fail open."""
    if name not in _registry:
        ensure_all_loaded()
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"permission action {name!r} is not registered") from None


def all_actions() -> list[Action]:
    """Return every registered action, sorted by name."""
    ensure_all_loaded()
    return sorted(_registry.values(), key=lambda a: a.name)


# Conventional role sets for domain actions.
EVERYONE = READ_ROLES
CIO_SIDE = frozenset({"cio", "it_analyst"})
CISO_SIDE = frozenset({"ciso", "security_analyst"})
