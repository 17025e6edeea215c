"""Findings over identities, accounts, entitlements and assignments as numpy arrays.

Every entity is an integer index; -1 means "none". Times are epoch seconds (NaN = never).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

ACTIVE, TERMINATED, LEAVE, CONTRACTOR = 0, 1, 2, 3
STATUS_CODES = {"active": ACTIVE, "terminated": TERMINATED, "leave": LEAVE, "contractor": CONTRACTOR}
DAY = 86_400.0
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]


@dataclass
class SodRule:
    """Two entitlement sets (indices) with "any" or "all" semantics each."""

    key: str
    name: str
    left: list[int]
    right: list[int]
    left_mode: str = "any"
    right_mode: str = "any"
    severity: str = "high"


@dataclass
class Settings:
    """Analysis thresholds."""

    peer_share: float = 0.10  # an entitlement held by fewer than this share of peers is excessive
    min_peers: int = 5  # smaller peer groups say nothing


@dataclass
class Dataset:
    """Everything the analysis reads, as arrays indexed by position."""

    now: float
    ident_status: IntArray
    ident_dept: IntArray
    ident_manager: IntArray
    sys_dormant_days: IntArray
    sys_mfa: BoolArray
    acc_identity: IntArray
    acc_system: IntArray
    acc_enabled: BoolArray
    acc_last_login: FloatArray
    acc_opened: FloatArray
    acc_privileged: BoolArray
    acc_service: BoolArray
    acc_owner: IntArray  # owner identity of a service account (-1 none)
    ent_privileged: BoolArray
    asg_account: IntArray
    asg_entitlement: IntArray
    inc_child: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # holders of child get parent
    inc_parent: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    sod_rules: list[SodRule] = field(default_factory=list)


@dataclass
class Finding:
    """One finding: kind, stable key, severity, the entities concerned and the evidence."""

    kind: str
    key: str
    severity: str
    account: int = -1
    identity: int = -1
    entitlement: int = -1
    evidence: dict[str, Any] = field(default_factory=dict)


def uniq(x: IntArray) -> IntArray:
    """Return the sorted distinct values (sort-based: numpy's hash unique is slow on large int64 arrays)."""
    if x.size == 0:
        return x
    y = np.sort(x)
    return y[np.concatenate(([True], y[1:] != y[:-1]))]


def uniq_inverse_counts(x: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Return (distinct values, index of each input value among them, count of each distinct value)."""
    if x.size == 0:
        return x, x, x
    order = np.argsort(x, kind="stable")
    y = x[order]
    starts = np.concatenate(([True], y[1:] != y[:-1]))
    group = np.cumsum(starts) - 1
    inverse = np.empty_like(group)
    inverse[order] = group
    counts = np.diff(np.concatenate((np.flatnonzero(starts), [y.size])))
    return y[starts], inverse, counts


def member(x: IntArray, sorted_set: IntArray) -> BoolArray:
    """Return x ∈ sorted_set elementwise (sorted_set sorted and distinct)."""
    if sorted_set.size == 0:
        return np.zeros(x.size, bool)
    pos = np.minimum(np.searchsorted(sorted_set, x), sorted_set.size - 1)
    return np.asarray(sorted_set[pos] == x)


def effective_pairs(ds: Dataset) -> tuple[IntArray, IntArray]:
    """Return (account, entitlement) pairs after following includes (a group granting roles) to a fixpoint."""
    n_ent = max(int(ds.ent_privileged.size), 1)
    codes = uniq(ds.asg_account * n_ent + ds.asg_entitlement)
    if ds.inc_child.size:
        order = np.argsort(ds.inc_child, kind="stable")
        child, parent = ds.inc_child[order], ds.inc_parent[order]
        frontier = codes
        for _ in range(32):  # nesting deeper than 32 levels is a cycle or a mistake
            ents = frontier % n_ent
            lo, hi = np.searchsorted(child, ents, "left"), np.searchsorted(child, ents, "right")
            counts = hi - lo
            if not counts.sum():
                break
            accs = np.repeat(frontier // n_ent, counts)
            idx = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            cand = uniq(accs * n_ent + parent[idx])
            new = cand[~member(cand, codes)]
            if not new.size:
                break
            codes = uniq(np.concatenate((codes, new)))
            frontier = new
    return codes // n_ent, codes % n_ent


def _account_findings(ds: Dataset, held_priv: BoolArray) -> list[Finding]:
    out: list[Finding] = []
    ident = ds.acc_identity
    enabled = ds.acc_enabled
    status = np.where(ident >= 0, ds.ident_status[np.maximum(ident, 0)], -1)
    for a in np.flatnonzero(enabled & (ident < 0) & ~ds.acc_service):
        out.append(
            Finding(
                "orphan",
                f"orphan:{a}",
                "high" if held_priv[a] else "medium",
                int(a),
                evidence={"reason": "no identity matches this account"},
            )
        )
    for a in np.flatnonzero(enabled & (status == TERMINATED)):
        out.append(
            Finding(
                "terminated_active",
                f"terminated_active:{a}",
                "high",
                int(a),
                int(ident[a]),
                evidence={"reason": "the identity is terminated but the account is enabled"},
            )
        )
    limit = ds.now - ds.sys_dormant_days[ds.acc_system] * DAY
    seen = np.where(np.isnan(ds.acc_last_login), ds.acc_opened, ds.acc_last_login)
    dormant = enabled & ~np.isnan(seen) & (seen < limit)
    for a in np.flatnonzero(dormant):
        days = int((ds.now - seen[a]) // DAY)
        never = bool(np.isnan(ds.acc_last_login[a]))
        out.append(
            Finding(
                "dormant",
                f"dormant:{a}",
                "high" if held_priv[a] else "low",
                int(a),
                int(ident[a]),
                evidence={
                    "days_since_login": days,
                    "never_logged_in": never,
                    "threshold_days": int(ds.sys_dormant_days[ds.acc_system[a]]),
                },
            )
        )
    no_mfa = enabled & held_priv & ~ds.sys_mfa[ds.acc_system]
    for a in np.flatnonzero(no_mfa):
        out.append(
            Finding(
                "privileged_no_mfa",
                f"privileged_no_mfa:{a}",
                "high",
                int(a),
                int(ident[a]),
                evidence={"reason": "privileged account on a system that does not enforce MFA"},
            )
        )
    owner_ok = (ds.acc_owner >= 0) & (ds.ident_status[np.maximum(ds.acc_owner, 0)] != TERMINATED)
    for a in np.flatnonzero(enabled & ds.acc_service & ~owner_ok):
        out.append(
            Finding(
                "unowned_service",
                f"unowned_service:{a}",
                "medium",
                int(a),
                evidence={"reason": "shared or service account without an active owner"},
            )
        )
    return out


def _peer_share(group: IntArray, ident: IntArray, ent: IntArray, n_ent: int) -> tuple[FloatArray, IntArray]:
    """Return, per (identity, entitlement) pair, the share of the identity's other peers holding it, and peers."""
    valid = group >= 0
    sizes = np.bincount(group[valid], minlength=int(group.max(initial=0)) + 1)
    pair_group = group[ident]
    codes = np.where(pair_group >= 0, pair_group.astype(np.int64) * n_ent + ent, -1)
    _, inverse, counts = uniq_inverse_counts(codes)
    holders = counts[inverse]
    peers = np.where(pair_group >= 0, sizes[np.maximum(pair_group, 0)] - 1, 0)
    share = np.where(peers > 0, (holders - 1) / np.maximum(peers, 1), 1.0)
    return share, peers


def _excessive(ds: Dataset, settings: Settings) -> list[Finding]:
    """Entitlements (held directly) that few of the identity's department and manager peers hold."""
    n_ent = max(int(ds.ent_privileged.size), 1)
    ident = ds.acc_identity[ds.asg_account]
    keep = ident >= 0
    codes = uniq(ident[keep] * n_ent + ds.asg_entitlement[keep])
    who, ent = codes // n_ent, codes % n_ent
    if not who.size:
        return []
    dept_share, dept_peers = _peer_share(ds.ident_dept, who, ent, n_ent)
    mgr_share, mgr_peers = _peer_share(ds.ident_manager, who, ent, n_ent)
    dept_low = (dept_peers >= settings.min_peers) & (dept_share < settings.peer_share)
    mgr_low = (mgr_peers < settings.min_peers) | (mgr_share < settings.peer_share)
    out = []
    for i in np.flatnonzero(dept_low & mgr_low):
        ev = {
            "department_share": round(float(dept_share[i]), 3),
            "department_peers": int(dept_peers[i]),
            "manager_share": round(float(mgr_share[i]), 3) if mgr_peers[i] else None,
            "manager_peers": int(mgr_peers[i]),
            "threshold": settings.peer_share,
        }
        sev = "high" if ds.ent_privileged[ent[i]] else "medium"
        out.append(Finding("excessive", f"excessive:{who[i]}:{ent[i]}", sev, -1, int(who[i]), int(ent[i]), ev))
    return out


def _side(ident: IntArray, ent: IntArray, items: list[int], mode: str, n_ident: int) -> tuple[BoolArray, Any]:
    """Return who satisfies one side of a rule, and the (identity, entitlement) hits behind it."""
    wanted = uniq(np.asarray(items, dtype=np.int64))
    hit = member(ent, wanted)
    who, what = ident[hit], ent[hit]
    counts = np.bincount(
        uniq(who * (int(ent.max(initial=0)) + 1) + what) // (int(ent.max(initial=0)) + 1), minlength=n_ident
    )
    need = wanted.size if mode == "all" else 1
    ok = counts >= max(need, 1) if wanted.size else np.zeros(n_ident, bool)
    return ok, (who, what)


def _sod(ds: Dataset, acc: IntArray, ent: IntArray) -> list[Finding]:
    ident = ds.acc_identity[acc]
    keep = ident >= 0
    ident, ent = ident[keep], ent[keep]
    n_ident = int(ds.ident_status.size)
    out = []
    for rule in ds.sod_rules:
        left_ok, (lw, le) = _side(ident, ent, rule.left, rule.left_mode, n_ident)
        right_ok, (rw, re_) = _side(ident, ent, rule.right, rule.right_mode, n_ident)
        for i in np.flatnonzero(left_ok & right_ok):
            out.append(
                Finding(
                    "sod",
                    f"sod:{rule.key}:{i}",
                    rule.severity,
                    -1,
                    int(i),
                    evidence={
                        "rule": rule.name,
                        "left": sorted({int(e) for e in le[lw == i]}),
                        "right": sorted({int(e) for e in re_[rw == i]}),
                    },
                )
            )
    return out


def analyse(ds: Dataset, settings: Settings | None = None) -> list[Finding]:
    """Return every finding of the dataset."""
    settings = settings or Settings()
    acc, ent = effective_pairs(ds)
    held_priv = ds.acc_privileged.copy()
    priv = ds.ent_privileged[ent]
    held_priv[uniq(acc[priv])] = True
    return [*_account_findings(ds, held_priv), *_excessive(ds, settings), *_sod(ds, acc, ent)]
