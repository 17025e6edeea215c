"""Run the access analysis over the database: load arrays, run the pure engine, persist findings."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from tandem.access import actions
from tandem.access import repository as repo
from tandem.access.analysis import Dataset, Finding, Settings, analyse
from tandem.access.analysis.engine import STATUS_CODES, SodRule
from tandem.access.models import AnalysisRun
from tandem.access.settings import get_access_settings
from tandem.access.units import home_unit, require_in_unit
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.jobs.service import enqueue

KINDS = ("orphan", "dormant", "terminated_active", "privileged_no_mfa", "excessive", "sod", "unowned_service")
TITLES = {
    "orphan": "Orphan account {account} on {system}",
    "dormant": "Dormant account {account} on {system} ({days} days without login)",
    "terminated_active": "{identity} is terminated but {account} on {system} is still enabled",
    "privileged_no_mfa": "Privileged account {account} on {system} without MFA",
    "excessive": "{identity} holds {entitlement} ({system}), which few peers hold",
    "sod": "{identity} violates SoD rule “{rule}”",
    "unowned_service": "Service account {account} on {system} has no owner",
}


@dataclass
class Loaded:
    """The engine's dataset and the ids and labels behind each index."""

    dataset: Dataset
    identities: list[tuple[Any, ...]]
    accounts: list[tuple[Any, ...]]
    entitlements: list[tuple[Any, ...]]
    systems: list[tuple[Any, ...]]
    rule_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    system_by_id: dict[Any, tuple[Any, ...]] = field(default_factory=dict)


def _epoch(moments: list[Any]) -> np.ndarray:
    """Return epoch seconds (NaN for None) of datetimes or of SQLite's naive UTC text."""
    if any(isinstance(m, str) for m in moments):
        stamps = np.array([m if m else "NaT" for m in moments], dtype="datetime64[us]")
        out = stamps.astype(np.int64).astype(np.float64) / 1e6
        out[np.isnat(stamps)] = np.nan
        return out
    return np.array([m.timestamp() if m is not None else np.nan for m in moments], dtype=np.float64)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else (value or [])


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def _groups(values: list[str]) -> np.ndarray:
    codes: dict[str, int] = {}
    return np.array([codes.setdefault(v, len(codes)) if v else -1 for v in values], dtype=np.int64)


def load(session: Session, now: float | None = None) -> Loaded:
    """Read the organisation's access data into arrays."""
    raw = repo.analysis_rows(session)
    idents, systems, accounts, ents = raw["identities"], raw["systems"], raw["accounts"], raw["entitlements"]
    ix_ident = {r[0]: n for n, r in enumerate(idents)}
    ix_emp = {r[4].lower(): n for n, r in enumerate(idents)}
    ix_sys = {r[0]: n for n, r in enumerate(systems)}
    ix_acc = {r[0]: n for n, r in enumerate(accounts)}
    ix_ent = {r[0]: n for n, r in enumerate(ents)}
    ix_ext = {(r[1], r[2]): n for n, r in enumerate(ents)}
    inc = [(n, ix_ext[(r[1], p)]) for n, r in enumerate(ents) for p in _json(r[4]) if (r[1], p) in ix_ext]
    grants = raw["assignments"]  # millions: straight into arrays, no tuple per row
    asg_account = np.fromiter((ix_acc[r[0]] for r in grants), dtype=np.int64, count=len(grants))
    asg_entitlement = np.fromiter((ix_ent[r[1]] for r in grants), dtype=np.int64, count=len(grants))
    by_key = {(s[3].lower(), r[2]): n for n, r in enumerate(ents) for s in [systems[ix_sys[r[1]]]]}
    rules, rule_ids = [], {}
    for rid, name, left, lmode, right, rmode, severity in raw["rules"]:

        def idx(items: list[str]) -> list[int]:
            return [by_key[(k.lower(), e)] for k, _, e in (i.partition(":") for i in items) if (k.lower(), e) in by_key]

        rules.append(SodRule(str(_uuid(rid)), name, idx(_json(left)), idx(_json(right)), lmode, rmode, severity))
        rule_ids[str(_uuid(rid))] = rid
    ds = Dataset(
        now=now if now is not None else time.time(),
        ident_status=np.array([STATUS_CODES.get(r[1], 0) for r in idents], dtype=np.int64),
        ident_dept=_groups([r[2] for r in idents]),
        ident_manager=np.array([ix_emp.get(r[3].lower(), -1) if r[3] else -1 for r in idents], dtype=np.int64),
        sys_dormant_days=np.array([r[1] for r in systems], dtype=np.int64),
        sys_mfa=np.array([bool(r[2]) for r in systems], dtype=bool),
        acc_identity=np.array([ix_ident.get(r[1], -1) for r in accounts], dtype=np.int64),
        acc_system=np.array([ix_sys[r[2]] for r in accounts], dtype=np.int64),
        acc_enabled=np.array([r[3] == "enabled" for r in accounts], dtype=bool),
        acc_last_login=_epoch([r[4] for r in accounts]),
        acc_opened=_epoch([r[5] for r in accounts]),
        acc_privileged=np.array([bool(r[6]) for r in accounts], dtype=bool),
        acc_service=np.array([bool(r[7]) for r in accounts], dtype=bool),
        acc_owner=np.array([ix_emp.get(r[8].lower(), -1) if r[8] else -1 for r in accounts], dtype=np.int64),
        ent_privileged=np.array([bool(r[3]) for r in ents], dtype=bool),
        asg_account=asg_account,
        asg_entitlement=asg_entitlement,
        inc_child=np.array([c for c, _ in inc], dtype=np.int64),
        inc_parent=np.array([p for _, p in inc], dtype=np.int64),
        sod_rules=rules,
    )
    return Loaded(ds, idents, accounts, ents, systems, rule_ids, {s[0]: s for s in systems})


def _describe(loaded: Loaded, f: Finding) -> dict[str, Any]:
    """Return the stored columns of one engine finding: stable key, unit, ids, title, evidence with names."""
    acc = loaded.accounts[f.account] if f.account >= 0 else None
    ident = loaded.identities[f.identity] if f.identity >= 0 else None
    ent = loaded.entitlements[f.entitlement] if f.entitlement >= 0 else None
    sys_row = loaded.system_by_id.get(acc[2] if acc else ent[1] if ent else None)
    evidence = dict(f.evidence)
    if f.kind == "sod":
        for side in ("left", "right"):
            evidence[side] = [loaded.entitlements[i][5] for i in evidence[side]]
    names = {
        "account": acc[10] or acc[11] if acc else "",
        "system": sys_row[4] if sys_row else "",
        "identity": ident[5] or ident[4] if ident else "",
        "entitlement": ent[5] if ent else "",
        "rule": evidence.get("rule", ""),
        "days": evidence.get("days_since_login", ""),
    }
    subject = "/".join(repo.canonical(x[0]) or "" for x in (acc, ident, ent) if x is not None)
    key = f"{f.kind}:{f.key.split(':')[1]}:{subject}" if f.kind == "sod" else f"{f.kind}:{subject}"
    # Ids stay raw here (most findings already exist and only need their key compared); _ids() converts new ones.
    return {
        "kind": f.kind,
        "key": key[:300],
        "severity": f.severity,
        "title": TITLES[f.kind].format(**names)[:500],
        "evidence": evidence,
        "account_id": acc[0] if acc else None,
        "identity_id": ident[0] if ident else None,
        "entitlement_id": ent[0] if ent else None,
        "system_id": sys_row[0] if sys_row else None,
        "org_unit_id": acc[9] if acc else (ident[6] if ident else ent[6] if ent else None),
    }


def _ids(row: dict[str, Any]) -> dict[str, Any]:
    """Return a described finding with its raw ids as UUIDs, ready to insert."""
    return {**row, **{k: _uuid(row[k]) for k in ID_COLUMNS}}


ID_COLUMNS = ("account_id", "identity_id", "entitlement_id", "system_id", "org_unit_id")


def persist(session: Session, loaded: Loaded, findings: list[Finding]) -> dict[str, int]:
    """Insert new findings, touch the ones seen again (reopening resolved ones), resolve the ones no longer found."""
    now = utcnow()
    existing = repo.findings_of_kinds(session, KINDS)
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    touched: list[Any] = []
    reopened: list[Any] = []
    seen: set[tuple[str, str]] = set()
    for f in findings:
        row = _describe(loaded, f)
        pair = (repo.canonical(row["org_unit_id"]) or "None", row["key"])
        if pair in seen:
            continue
        seen.add(pair)
        if pair not in existing:
            new.append({**_ids(row), "id": uuid.uuid4(), "status": "open", "first_seen_at": now, "last_seen_at": now,
                        "created_at": now, "updated_at": now, "note": ""})  # fmt: skip
            continue
        fid, status, severity, title = existing[pair]
        (reopened if status == "resolved" else touched).append(fid)
        if (severity, title) != (row["severity"], row["title"]):
            changed.append({"id": _uuid(fid), "severity": row["severity"], "title": row["title"],
                            "evidence": row["evidence"]})  # fmt: skip
    gone = [v[0] for pair, v in existing.items() if pair not in seen and v[1] in ("open", "acknowledged")]
    repo.insert_findings(session, new)
    repo.mark_findings(session, touched, {"last_seen_at": now})
    repo.mark_findings(session, reopened, {"last_seen_at": now, "status": "open", "resolved_at": None})
    repo.mark_findings(session, gone, {"status": "resolved", "resolved_at": now,
                                       "note": "no longer found by the analysis"})  # fmt: skip
    repo.update_findings(session, changed)
    counts: dict[str, int] = {k: 0 for k in KINDS}
    for f in findings:
        counts[f.kind] += 1
    return {**counts, "new": len(new), "resolved": len(gone)}


def run_analysis(session: Session, settings: Settings | None = None) -> dict[str, Any]:
    """Load, analyse and persist; return the counts and timings."""
    started = time.perf_counter()
    loaded = load(session)
    loaded_at = time.perf_counter()
    if settings is None:
        conf = get_access_settings()
        settings = Settings(peer_share=conf.peer_share, min_peers=conf.min_peers)
    findings = analyse(loaded.dataset, settings)
    analysed_at = time.perf_counter()
    counts = persist(session, loaded, findings)
    session.flush()
    return {
        **counts,
        "load_s": round(loaded_at - started, 3),
        "analyse_s": round(analysed_at - loaded_at, 3),
        "store_s": round(time.perf_counter() - analysed_at, 3),
    }


def start(session: Session, principal: Principal | None) -> AnalysisRun:
    """Queue the analysis as a job and return its run."""
    unit = home_unit(session)
    require_in_unit(session, principal, unit, actions.ANALYZE.name)
    run = repo.AccessRepository(session, AnalysisRun).add(AnalysisRun(org_unit_id=unit))
    run.job_id = enqueue(session, "access.analyze", {"run_id": str(run.id)}).id
    session.flush()
    return run


def latest_run(session: Session) -> AnalysisRun | None:
    """Return the newest analysis run."""
    from sqlalchemy import select

    return session.scalars(select(AnalysisRun).order_by(AnalysisRun.created_at.desc()).limit(1)).first()
