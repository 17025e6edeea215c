"""Correlate accounts to identities: employee id, then e-mail, then username; the rest wait in a queue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class IdentityIndex:
    """Identities by employee id, e-mail and e-mail local part (ambiguous keys map to None)."""

    by_employee: dict[str, uuid.UUID] = field(default_factory=dict)
    by_email: dict[str, uuid.UUID | None] = field(default_factory=dict)
    by_local: dict[str, uuid.UUID | None] = field(default_factory=dict)

    @classmethod
    def build(cls, identities: Any) -> IdentityIndex:
        """Index (id, employee_id, email) triples or Identity rows."""
        out = cls()
        for ident in identities:
            iid, emp, email = (ident.id, ident.employee_id, ident.email) if hasattr(ident, "id") else ident
            out.by_employee[emp.lower()] = iid
            if email:
                email = email.lower()
                out.by_email[email] = None if email in out.by_email else iid
                local = email.split("@", 1)[0]
                out.by_local[local] = None if local in out.by_local else iid
        return out

    def match(self, employee_id: str, email: str, username: str) -> tuple[uuid.UUID | None, str]:
        """Return (identity id, method) or (None, "") when nothing or more than one identity matches."""
        if employee_id and (found := self.by_employee.get(employee_id.lower())):
            return found, "employee_id"
        if email and (found_mail := self.by_email.get(email.lower())):
            return found_mail, "email"
        name = username.lower().split("@", 1)[0].replace("\\", "/").rsplit("/", 1)[-1]
        if name and (found_emp := self.by_employee.get(name)):
            return found_emp, "username"
        if name and (found_local := self.by_local.get(name)):
            return found_local, "username"
        return None, ""


def apply(account: Any, index: IdentityIndex) -> bool:
    """Set an account's identity unless a person chose it by hand; return whether it changed."""
    if account.correlation == "manual":
        return False
    if account.is_service_account and not account.employee_id:
        found, how = None, ""
    else:
        found, how = index.match(account.employee_id, account.email, account.username)
    changed = (account.identity_id, account.correlation) != (found, how)
    account.identity_id, account.correlation = found, how
    return changed
