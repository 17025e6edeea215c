"""JSON shapes of the composite vendor views (overview, portfolio, profile) for the API and the CLI."""

from __future__ import annotations

from typing import Any

from tandem.vendors.schemas import AgreementRead, FindingRead


def flag_json(flag: Any) -> dict[str, Any]:
    """Return a fired rule as JSON."""
    return {"code": flag.code, "severity": flag.severity, "message": flag.message, "requirements": flag.requirements}


def profile_json(profile: Any) -> dict[str, Any]:
    """Return a vendor profile as JSON."""
    fields = ("legal_role", "transfer_mechanism", "network_access", "tier_override", "override_reason",
              "contact_email")  # fmt: skip
    return {"vendor_id": str(profile.vendor_id), **{f: getattr(profile, f) for f in fields}}


def overview_json(o: dict[str, Any]) -> dict[str, Any]:
    """Return a vendor overview (both lenses) as JSON."""
    v = o["vendor"]
    return {
        "vendor": {"id": str(v.id), "name": v.name, "country": v.country, "services": v.services},
        "spend": o["spend"],
        "contracts": [c["read"].model_dump(mode="json") for c in o["contracts"]],
        "agreements": [AgreementRead.model_validate(a).model_dump(mode="json") for a in o["agreements"]],
        "reach": [
            {
                "data_store_id": str(s["store"].id),
                "name": s["store"].name,
                "country": s["store"].country,
                "data_categories": s["store"].data_categories,
                "records": s["store"].record_count,
                "via": s["via"],
            }
            for s in o["reach"].stores
        ],
        "applications": [{"id": str(a.id), "name": a.name} for a in o["reach"].apps],
        "access": access_json(o["reach"].access),
        "profile": profile_json(o["profile"]),
        "tier": o["tier"],
        "computed_tier": o["computed"].tier,
        "tier_score": o["computed"].score,
        "tier_factors": [{"factor": f, "points": p} for f, p in o["computed"].factors],
        "flags": [flag_json(f) for f in o["flags"]],
        "residual": o["residual"],
        "score": o["score"],
        "last_assessed": o["last_assessed"].isoformat() if o["last_assessed"] else None,
        "next_assessment": o["next_assessment"].isoformat(),
        "open_findings": o["open_findings"],
        "findings": [FindingRead.model_validate(f).model_dump(mode="json") for f in o["findings"]],
        "assessments": [
            {k: (str(v) if v is not None and k.endswith(("id", "_at")) else v) for k, v in a.items()}
            for a in o["assessments"]
        ],
    }


def portfolio_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return portfolio rows as JSON."""
    return [{"vendor_id": str(r["vendor"].id), "name": r["vendor"].name, "spend": r["spend"], "tier": r["tier"],
             "computed_tier": r["computed_tier"], "residual": r["residual"], "score": r["score"],
             "flags": [flag_json(f) for f in r["flags"]], "data_stores": r["stores"],
             "next_deadline": r["next_deadline"].isoformat() if r["next_deadline"] else None}
            for r in rows]  # fmt: skip


def access_json(view: dict[str, Any]) -> dict[str, Any]:
    """Return a vendor's access-governance reach (accounts, paths, stores) as JSON."""
    if not view:
        return {"domains": [], "accounts": [], "paths": [], "stores": []}
    ids = ("id", "account_id", "identity_id", "data_store_id")
    return {
        "domains": view["domains"],
        "accounts": [{k: (str(v) if k == "id" else v) for k, v in a.items()} for a in view["accounts"]],
        "paths": [{k: (str(v) if k in ids and v is not None else v) for k, v in r.items()} for r in view["rows"]],
        "stores": [{**s, "data_store_id": str(s["data_store_id"])} for s in view["stores"]],
    }
