"""The catalogue of shipped control checks: every name registered with sane titles and parameters, each returning
a well-formed outcome on an empty scope, evidence capped at 500 rows, and the audit-chain check."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tandem.monitoring import service as monitoring
from tandem.monitoring.demo import certificate_sweep
from tandem.platform.auth import service as auth
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.checks import CheckOutcome, CheckRun, all_checks, get_check
from tandem.platform.config import get_settings
from tandem.platform.db.types import utcnow
from tests.support import audit_chain as ac

CATALOGUE = {
    "platform.audit_chain_verifies", "inventory.assets_have_owner", "inventory.restricted_stores_protected",
    "monitoring.critical_assets_scanned", "monitoring.certificates_valid", "monitoring.no_weak_tls",
    "monitoring.no_unconfirmed_hosts", "vulnerabilities.kev_past_due", "vulnerabilities.critical_within_sla",
    "access.reviews_current", "access.no_orphan_or_terminated_accounts", "access.privileged_mfa",
    "training.completion_rate", "training.policies_acknowledged", "training.phishing_click_rate",
    "vendors.phi_vendors_have_baa", "vendors.eu_processors_have_dpa", "vendors.tier1_soc2_current",
    "privacy.restricted_stores_have_processing_record", "incidents.notifications_on_time", "risk.reviews_current",
}  # fmt: skip
DOMAINS = {"platform", "inventory", "monitoring", "vulnerabilities", "access", "training", "vendors", "privacy",
           "incidents", "risk"}  # fmt: skip


@pytest.fixture
def empty_unit(session: Session) -> uuid.UUID:
    root = auth.root_unit(session) or auth.create_unit(session, None, f"Org {uuid.uuid4().hex[:6]}", None)
    return auth.create_unit(session, None, f"Empty-{uuid.uuid4().hex[:6]}", root.id).id


@pytest.fixture
def fresh_checkpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checkpoints other tests exported (for entries they rolled back) stay out of this chain's verification."""
    monkeypatch.setattr(get_settings(), "audit_checkpoint_dir", tmp_path)


def well_formed(out: CheckOutcome) -> None:
    assert isinstance(out.passed, bool) and out.summary.strip()
    assert all(len(row) == len(out.columns) for row in out.rows)
    assert len(out.rows) <= 500 and out.failing >= 0 and out.failing <= max(out.examined, len(out.rows))
    json.dumps({"rows": out.rows, "columns": out.columns, "measured": out.measured})  # JSON-able scalars only


def test_every_catalogue_check_is_registered_with_sane_metadata() -> None:
    specs = {s.name: s for s in all_checks()}
    assert set(specs) >= CATALOGUE
    for name in CATALOGUE:
        spec = get_check(name)
        assert spec.domain in DOMAINS and spec.title[:1].isupper() and len(spec.title) <= 80
        assert spec.description.endswith(".") and spec.run.__doc__
        defaults = spec.resolve_params(None)
        assert set(defaults) == {p.name for p in spec.params}
        for param in spec.params:
            assert param.help and param.kind in ("int", "float", "str", "bool")
            if param.minimum is not None:
                assert param.minimum <= defaults[param.name]
            if param.maximum is not None:
                assert defaults[param.name] <= param.maximum


@pytest.mark.usefixtures("fresh_checkpoints")
def test_each_check_gives_a_well_formed_outcome_on_an_empty_scope(session: Session, empty_unit: uuid.UUID) -> None:
    for name in sorted(CATALOGUE):
        spec = get_check(name)
        out = spec.run(CheckRun(session, spec.resolve_params({}), frozenset({empty_unit}), utcnow()))
        well_formed(out)
        assert out.failing == 0 or name == "platform.audit_chain_verifies", (name, out.summary)


def test_evidence_is_capped_at_500_rows_failing_first(session: Session, empty_unit: uuid.UUID) -> None:
    # One scan sees 502 hosts the inventory does not know: 502 discovered hosts waiting for a decision.
    hosts = [(f"h{n}.cap.test", "endpoint", f"172.31.{n // 250}.{n % 250 + 1}") for n in range(502)]
    monitoring.import_scan(session, CONSOLE, certificate_sweep(hosts, utcnow()), "cap.xml", "cap", "cap", empty_unit)
    spec = get_check("monitoring.no_unconfirmed_hosts")
    out = spec.run(CheckRun(session, {"max_age_days": 0}, frozenset({empty_unit}), utcnow() + dt.timedelta(days=1)))
    assert (out.examined, out.failing, len(out.rows)) == (502, 502, 500)
    assert "first 500 of 502 rows" in out.summary


@pytest.mark.usefixtures("fresh_checkpoints")
def test_audit_chain_check_fails_at_the_tampered_entry(session: Session, empty_unit: uuid.UUID) -> None:
    spec = get_check("platform.audit_chain_verifies")
    run = CheckRun(session, {}, None, utcnow())
    ok = spec.run(run)
    assert ok.passed and ok.examined >= 1 and ok.rows[0][0] == "verified", ok.summary
    seq = ac.entries_about(session, str(empty_unit))[0].seq
    ac.edit(session, seq, actor_label="mallory")
    bad: Any = spec.run(run)
    assert (bad.passed, bad.failing) == (False, 1)
    assert bad.rows[0][0] == "broken" and bad.rows[0][3] == seq and "BROKEN" in bad.summary
