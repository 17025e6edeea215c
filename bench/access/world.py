"""A synthetic organisation at the issue's scale: identities, systems, accounts, entitlements, assignments.

Each department uses a few systems and a typical set of entitlements there (so most grants are shared by peers);
a small share of grants is random (excessive access), some accounts are orphans or dormant, a few SoD rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.access.analysis import Dataset
from tandem.access.analysis.engine import SodRule

NOW = 1_795_000_000.0  # a fixed "now" (late 2026) so runs compare


@dataclass
class Sizes:
    identities: int = 50_000
    systems: int = 100
    accounts: int = 200_000
    assignments: int = 2_000_000
    entitlements_per_system: int = 50
    departments: int = 200

    def scaled(self, factor: float) -> Sizes:
        """Return the sizes times a factor (systems and per-system entitlements stay)."""
        return Sizes(
            int(self.identities * factor),
            self.systems,
            int(self.accounts * factor),
            int(self.assignments * factor),
            self.entitlements_per_system,
            self.departments,
        )


def build(sizes: Sizes, seed: int = 11) -> Dataset:
    """Return the engine's dataset for the sizes."""
    rng = np.random.default_rng(seed)
    n_i, n_s, n_a, per = sizes.identities, sizes.systems, sizes.accounts, sizes.entitlements_per_system
    dept = rng.integers(0, sizes.departments, n_i)
    manager = np.where(rng.random(n_i) < 0.98, rng.integers(0, n_i // 10, n_i), -1)
    status = np.where(rng.random(n_i) < 0.03, 1, 0)
    dept_systems = rng.integers(0, n_s, (sizes.departments, 8))  # each department works in 8 systems
    acc_ident = rng.integers(0, n_i, n_a)
    acc_sys = dept_systems[dept[acc_ident], rng.integers(0, 8, n_a)]
    acc_ident = np.where(rng.random(n_a) < 0.01, -1, acc_ident)  # orphans
    last = NOW - rng.exponential(20, n_a) * 86_400
    last[rng.random(n_a) < 0.03] = NOW - 400 * 86_400
    # Assignments: mostly the department's typical entitlements in that system, 1 % random.
    k = sizes.assignments // n_a
    typical = rng.integers(0, per, (sizes.departments, n_s, 12))
    asg_acc = np.repeat(np.arange(n_a), k)
    choice = rng.integers(0, 12, asg_acc.size)
    owner_dept = dept[np.maximum(acc_ident[asg_acc], 0)]
    local = typical[owner_dept, acc_sys[asg_acc], choice]
    local = np.where(rng.random(asg_acc.size) < 0.01, rng.integers(0, per, asg_acc.size), local)
    asg_ent = acc_sys[asg_acc] * per + local
    n_e = n_s * per
    child = np.arange(0, n_e, 10)  # every 10th entitlement is a group including the next one
    rules = [SodRule(f"r{n}", f"rule {n}", [n * per + 1], [n * per + 2]) for n in range(10)]
    return Dataset(
        now=NOW,
        ident_status=status.astype(np.int64),
        ident_dept=dept.astype(np.int64),
        ident_manager=manager.astype(np.int64),
        sys_dormant_days=np.full(n_s, 90, np.int64),
        sys_mfa=rng.random(n_s) < 0.7,
        acc_identity=acc_ident.astype(np.int64),
        acc_system=acc_sys.astype(np.int64),
        acc_enabled=rng.random(n_a) < 0.95,
        acc_last_login=last,
        acc_opened=np.full(n_a, NOW - 900 * 86_400),
        acc_privileged=rng.random(n_a) < 0.01,
        acc_service=rng.random(n_a) < 0.005,
        acc_owner=np.where(rng.random(n_a) < 0.5, rng.integers(0, n_i, n_a), -1).astype(np.int64),
        ent_privileged=rng.random(n_e) < 0.05,
        asg_account=asg_acc.astype(np.int64),
        asg_entitlement=asg_ent.astype(np.int64),
        inc_child=child.astype(np.int64),
        inc_parent=(child + 1).astype(np.int64),
        sod_rules=rules,
    )
