"""The CISO lens of a vendor: what it can reach (inventory relations), its inherent tier with the factors and
override, the agreement rules that fire, and the residual rating after assessment."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.inventory.vocab import DATA_CATEGORIES
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import NotFound
from tandem.vendors import repository as repo
from tandem.vendors.access_reach import access_view
from tandem.vendors.common import APPS, STORES
from tandem.vendors.contracts import ended, offboarding_done
from tandem.vendors.engine import flags as rules
from tandem.vendors.engine.tiering import Exposure, Tiering, residual_of, tier_of
from tandem.vendors.models import Profile
from tandem.vendors.vocab import CADENCE_DAYS, EEA

DONE = ("submitted", "reviewed")


@dataclass
class Reach:
    """The data stores and applications a vendor touches, and how."""

    stores: list[dict[str, Any]] = field(default_factory=list)
    apps: list[Any] = field(default_factory=list)
    access: dict[str, Any] = field(default_factory=dict)  # the vendor's accounts and what they reach (access_reach)

    @property
    def categories(self) -> set[str]:
        """Return every data category the vendor can reach."""
        return {c for s in self.stores for c in (s["store"].data_categories or [])}

    @property
    def records(self) -> int:
        """Return the records held by the reachable stores."""
        return sum(s["store"].record_count or 0 for s in self.stores)

    @property
    def eu_personal(self) -> bool:
        """Return whether a reachable store in the EU/EEA holds personal data."""
        return any(
            s["store"].country in EEA
            and any(DATA_CATEGORIES.get(c, ("", ""))[1] in ("personal", "special") for c in s["store"].data_categories)
            for s in self.stores
        )


def reach_of(session: Session, principal: Principal | None, vendor: Any) -> Reach:
    """Return the stores the vendor can access directly, hosts, reaches through the applications it provides, or
    reaches through its accounts' entitlements (access governance)."""
    out = Reach()
    stores: dict[uuid.UUID, dict[str, Any]] = {}
    app_ids: dict[uuid.UUID, Any] = {a.id: a for a in repo.applications_of(session, principal, vendor.id)}
    for rel in inventory.relations_of(session, principal, vendor.id):
        if rel.type == "can_access" and rel.source_id == vendor.id:
            _add_store(session, principal, stores, rel.target_id, "can access")
        elif rel.type == "provided_by" and rel.source_kind == "data_store":
            _add_store(session, principal, stores, rel.source_id, "hosted by the vendor")
        elif rel.type in ("provided_by", "sends_data_to") and rel.source_kind == "application":
            app = _get(session, principal, APPS, rel.source_id)
            if app is not None:
                app_ids.setdefault(app.id, app)
    for app in app_ids.values():
        for rel in inventory.relations_of(session, principal, app.id):
            if rel.type == "stores_data_in" and rel.source_id == app.id:
                _add_store(session, principal, stores, rel.target_id, f"through {app.name}")
    out.access = access_view(session, principal, vendor)
    for entry in out.access["stores"]:
        accounts = ", ".join(entry["accounts"][:3]) + (" …" if len(entry["accounts"]) > 3 else "")
        _add_store(
            session, principal, stores, entry["data_store_id"], f"accounts {accounts} ({'/'.join(entry['access'])})"
        )
    out.stores = sorted(stores.values(), key=lambda s: s["store"].name)
    out.apps = sorted(app_ids.values(), key=lambda a: a.name)
    return out


def _get(session: Session, principal: Principal | None, kind: Any, obj_id: uuid.UUID) -> Any:
    try:
        return inventory.get_record(session, principal, kind, obj_id)
    except NotFound:
        return None


def _add_store(
    session: Session, principal: Principal | None, stores: dict[uuid.UUID, Any], store_id: uuid.UUID, via: str
) -> None:
    if store_id in stores:
        stores[store_id]["via"].append(via)
        return
    store = _get(session, principal, STORES, store_id)
    if store is not None:
        stores[store_id] = {"store": store, "via": [via]}


def profile_for(session: Session, vendor: Any) -> Profile:
    """Return the vendor's stored profile, or an unsaved default one."""
    found = repo.profiles_of(session, [vendor.id]).get(vendor.id)
    return found or Profile(vendor_id=vendor.id, org_unit_id=vendor.org_unit_id, legal_role="none",
                            transfer_mechanism="none", network_access="none", override_reason="",
                            contact_email="")  # fmt: skip


def tiering_for(reach: Reach, profile: Profile) -> Tiering:
    """Return the computed inherent tier of a vendor."""
    return tier_of(
        Exposure(
            categories=frozenset(reach.categories),
            records=reach.records,
            network_access=profile.network_access or "none",
            app_classifications=tuple(a.data_classification for a in reach.apps),
            app_availability=tuple(a.availability or 0 for a in reach.apps),
        )
    )


def risk_view(
    session: Session, principal: Principal | None, vendor: Any, today: dt.date | None = None
) -> dict[str, Any]:
    """Return the vendor's reach, tier (computed, override, effective), flags and residual rating."""
    today = today or dt.date.today()
    reach = reach_of(session, principal, vendor)
    profile = profile_for(session, vendor)
    computed = tiering_for(reach, profile)
    tier = profile.tier_override or computed.tier
    agreements = repo.agreements_of(session, [vendor.id])[vendor.id]
    contracts = repo.contracts_of(session, [vendor.id])[vendor.id]
    assessments = repo.assessments_of(session, [vendor.id])[vendor.id]
    findings = repo.findings_of(session, [vendor.id])[vendor.id]
    done = [a for a in assessments if a.status in DONE and a.submitted_at is not None]
    last = done[0] if done else None
    last_day = last.submitted_at.date() if last and last.submitted_at else None
    facts = rules.Facts(
        vendor_country=vendor.country or "", legal_role=profile.legal_role or "none",
        transfer_mechanism=profile.transfer_mechanism or "none", phi="health" in reach.categories,
        eu_personal=reach.eu_personal,
        papers=tuple(rules.Paper(a.kind, a.status, a.expires_on) for a in agreements),
        contract_ended=any(ended(c, today) for c in contracts),
        offboarding_done=all(offboarding_done(c) for c in contracts if ended(c, today)),
        last_assessed=last_day, cadence_days=CADENCE_DAYS[tier], ever_assessed=last is not None,
    )  # fmt: skip
    open_findings = [f for f in findings if f.status in ("open", "in-progress")]
    score = (last.scores or {}).get("overall") if last else None
    return {
        "reach": reach, "profile": profile, "computed": computed, "tier": tier,
        "flags": rules.evaluate(facts, today), "phi": facts.phi, "eu_personal": facts.eu_personal,
        "residual": residual_of(tier, score, len(open_findings)), "score": score,
        "last_assessed": last_day, "open_findings": len(open_findings),
        "next_assessment": (last_day + dt.timedelta(days=CADENCE_DAYS[tier])) if last_day else today,
    }  # fmt: skip
