"""Access settings pages: target systems (dormancy, MFA, change windows) and segregation-of-duties rules."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from tandem.access import repository as repo
from tandem.access import service
from tandem.access.repository import SPECS
from tandem.access.schemas import SodRuleCreate, SodRuleUpdate, SystemCreate, SystemUpdate
from tandem.access.units import home_unit
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import TandemError
from tandem.platform.web.forms import WebForm, discard, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)
VIEW, EDIT = "access.view", "access.edit"
DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
DAY_NAMES = {v: k.capitalize() for k, v in DAYS.items()}


def _invalid(exc: ValidationError) -> dict[str, str]:
    return {str(e["loc"][0]) if e["loc"] else "_form": e["msg"] for e in exc.errors()}


def windows_text(windows: list[dict[str, int]]) -> str:
    """Render change windows as "Mon 9-17; Tue 9-17"."""
    return "; ".join(f"{DAY_NAMES[w['weekday']]} {w['start']}-{w['end']}" for w in windows)


def parse_windows(raw: str) -> list[dict[str, int]]:
    """Parse "Mon 9-17; Sat 0-24" into change windows; ValueError names the part that is wrong."""
    out = []
    for part in (p.strip() for p in raw.replace(",", ";").split(";")):
        if not part:
            continue
        day, _, hours = part.partition(" ")
        start, dash, end = hours.strip().partition("-")
        if day[:3].lower() not in DAYS or not dash or not start.isdigit() or not end.isdigit():
            raise ValueError(f"{part!r}: write a day and hours, e.g. Mon 9-17")
        out.append({"weekday": DAYS[day[:3].lower()], "start": int(start), "end": int(end)})
    return out


def _systems(session: Any, principal: Principal) -> list[Any]:
    return list(
        service.list_page(session, principal, "systems", PageRequest.parse(SPECS["systems"], {"limit": "500"})).items
    )


def _rules(session: Any, principal: Principal) -> list[Any]:
    page = service.list_page(session, principal, "sod_rules", PageRequest.parse(SPECS["sod_rules"], {"limit": "500"}))
    return list(page.items)


@router.get("/access/systems")
def systems_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Target systems with their settings, and the form to add one."""
    return render(request, "access/systems.html", rows=_systems(session, principal), values={}, errors={},
                  windows_text=windows_text)  # fmt: skip


def _system_values(form: Any) -> dict[str, str]:
    return {k: text(form, k, 500) for k in ("key", "name", "dormant_days", "mfa_enforced", "change_windows")}


def _system_payload(values: dict[str, str]) -> dict[str, Any]:
    try:
        windows = parse_windows(values["change_windows"])
    except ValueError as exc:
        raise _FormError({"change_windows": str(exc)}) from None
    return {"name": values["name"], "dormant_days": values["dormant_days"] or 90,
            "mfa_enforced": values["mfa_enforced"] == "true", "change_windows": windows}  # fmt: skip


class _FormError(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _save(session: Any, action: Any, model: type[BaseModel], payload: dict[str, Any]) -> dict[str, str]:
    """Validate and run a service call; return the form's errors (empty when it worked)."""
    try:
        action(model.model_validate(payload))
    except ValidationError as exc:
        return _invalid(exc)
    except TandemError as exc:
        discard(session)
        return form_errors(exc)
    return {}


@router.post("/access/systems")
def system_create(
    request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Add a system from the form."""
    values = _system_values(form)
    try:
        payload = {**_system_payload(values), "key": values["key"], "org_unit_id": home_unit(session)}
    except _FormError as exc:
        errors = exc.errors
    else:
        errors = _save(session, lambda d: service.create_system(session, principal, d), SystemCreate, payload)
    if errors:
        return render(request, "access/systems.html", 422, rows=_systems(session, principal), values=values,
                      errors=errors, windows_text=windows_text)  # fmt: skip
    return redirect("/access/systems", f"System {values['key']} added.")


@router.get("/access/systems/{system_id}")
def system_page(
    system_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """One system's settings, editable."""
    system = service.get(session, principal, "systems", system_id)
    values = {"key": system.key, "name": system.name, "dormant_days": str(system.dormant_days),
              "mfa_enforced": "true" if system.mfa_enforced else "",
              "change_windows": windows_text(system.change_windows)}  # fmt: skip
    return render(request, "access/system.html", system=system, values=values, errors={})


@router.post("/access/systems/{system_id}")
def system_update(
    system_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save a system's settings; errors come back on the form with what was typed."""
    system = service.get(session, principal, "systems", system_id)
    values = {**_system_values(form), "key": system.key}
    try:
        payload = _system_payload(values)
    except _FormError as exc:
        errors = exc.errors
    else:
        errors = _save(session, lambda d: service.update_system(session, principal, system_id, d), SystemUpdate,
                       payload)  # fmt: skip
    if errors:
        return render(request, "access/system.html", 422, system=system, values=values, errors=errors)
    return redirect("/access/systems", f"System {system.key} saved.")


@router.post("/access/systems/{system_id}/delete")
def system_delete(system_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a system with its accounts, entitlements and grants."""
    system = service.get(session, principal, "systems", system_id)
    service.delete_system(session, principal, system_id)
    return redirect("/access/systems", f"System {system.key} deleted with its accounts and entitlements.")


def _known_refs(session: Any, principal: Principal) -> set[str]:
    systems = {s.id: s.key for s in _systems(session, principal)}
    return {f"{systems[e.system_id]}:{e.external_id}".lower() for e in repo.entitlements_of(session, list(systems))}


def _rule_values(form: Any) -> dict[str, str]:
    keys = ("name", "description", "left", "left_mode", "right", "right_mode", "severity", "enabled")
    return {k: text(form, k, 5000) for k in keys}


def _rule_payload(values: dict[str, str]) -> dict[str, Any]:
    def refs(raw: str) -> list[str]:
        return [r.strip() for r in raw.replace(",", "\n").splitlines() if r.strip()]

    return {"name": values["name"], "description": values["description"], "left": refs(values["left"]),
            "left_mode": values["left_mode"] or "any", "right": refs(values["right"]),
            "right_mode": values["right_mode"] or "any", "severity": values["severity"] or "high",
            "enabled": values["enabled"] == "true"}  # fmt: skip


@router.get("/access/sod-rules")
def rules_page(request: Request, session: DbSession, principal: Principal = requires(VIEW)) -> HTMLResponse:
    """Segregation-of-duties rules (unknown entitlements marked), and the form to add one."""
    return render(request, "access/sod_rules.html", rows=_rules(session, principal),
                  known=_known_refs(session, principal), values={"enabled": "true"}, errors={})  # fmt: skip


@router.post("/access/sod-rules")
def rule_create(request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Add a SoD rule from the form."""
    values = _rule_values(form)
    payload = {**_rule_payload(values), "org_unit_id": home_unit(session)}
    errors = _save(session, lambda d: service.create_rule(session, principal, d), SodRuleCreate, payload)
    if errors:
        return render(request, "access/sod_rules.html", 422, rows=_rules(session, principal),
                      known=_known_refs(session, principal), values=values, errors=errors)  # fmt: skip
    return redirect("/access/sod-rules", "Rule added; the next analysis applies it.")


@router.get("/access/sod-rules/{rule_id}")
def rule_page(
    rule_id: uuid.UUID, request: Request, session: DbSession, principal: Principal = requires(VIEW)
) -> HTMLResponse:
    """One SoD rule, editable."""
    rule = service.get(session, principal, "sod_rules", rule_id)
    values = {"name": rule.name, "description": rule.description, "left": "\n".join(rule.left),
              "left_mode": rule.left_mode, "right": "\n".join(rule.right), "right_mode": rule.right_mode,
              "severity": rule.severity, "enabled": "true" if rule.enabled else ""}  # fmt: skip
    return render(request, "access/sod_rule.html", rule=rule, values=values, errors={},
                  known=_known_refs(session, principal))  # fmt: skip


@router.post("/access/sod-rules/{rule_id}")
def rule_update(
    rule_id: uuid.UUID, request: Request, form: WebForm, session: DbSession, principal: Principal = requires(EDIT)
) -> Response:
    """Save a SoD rule."""
    rule = service.get(session, principal, "sod_rules", rule_id)
    values = _rule_values(form)
    errors = _save(session, lambda d: service.update_rule(session, principal, rule_id, d), SodRuleUpdate,
                   _rule_payload(values))  # fmt: skip
    if errors:
        return render(request, "access/sod_rule.html", 422, rule=rule, values=values, errors=errors,
                      known=_known_refs(session, principal))  # fmt: skip
    return redirect("/access/sod-rules", "Rule saved; the next analysis applies it.")


@router.post("/access/sod-rules/{rule_id}/delete")
def rule_delete(rule_id: uuid.UUID, session: DbSession, principal: Principal = requires(EDIT)) -> Response:
    """Delete a SoD rule (its open findings resolve at the next analysis)."""
    service.delete_rule(session, principal, rule_id)
    return redirect("/access/sod-rules", "Rule deleted.")
