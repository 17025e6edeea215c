"""Initiative import from CSV or JSON: references by title, every row validated, all rows or none."""

from __future__ import annotations

import uuid
from codecs import BOM_UTF8
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tandem.inventory import service as inventory
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import FieldError, InvalidInput, NotFound
from tandem.platform.safety import jsondoc
from tandem.platform.safety.csvsafe import read_csv
from tandem.platform.safety.errors import UnsafeInput
from tandem.risk import service as risk_service
from tandem.strategy import actions, service
from tandem.strategy import repository as repo
from tandem.strategy.common import require_in_unit
from tandem.strategy.models import Objective
from tandem.strategy.repository import StrategyRepository
from tandem.strategy.schemas import InitiativeCreate

MAX_ROWS = 5000
LISTS = ("costs",)
CSV_COLUMNS = {"title", "description", "sponsor", "status", "value_mode", "business_value", "value_low", "value_high",
               "value_score", "duration", "costs", "staff", "earliest_quarter", "mandatory", "deadline_quarter",
               "regulation", "compliance_ref", "alt_group", "time_exception", "predecessors", "objectives",
               "applications", "risks"}  # fmt: skip


def _pairs(text: str) -> list[tuple[str, str]]:
    """Split 'a=1;b=2' into pairs (a bare 'a' gives ('a', ''))."""
    out = []
    for part in text.split(";"):
        if part.strip():
            name, _, value = part.partition("=")
            out.append((name.strip(), value.strip()))
    return out


def item_from_text(row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {k: v for k, v in row.items() if v.strip() != ""}
    if "costs" in item:
        item["costs"] = [c.strip() for c in item["costs"].split(";") if c.strip()]
    if "staff" in item:  # security=1.5;infrastructure=0.5|1  (FTE, one figure or one per active quarter)
        item["staff"] = {p: [x for x in v.split("|") if x] for p, v in _pairs(item["staff"])}
    if "mandatory" in item:
        item["mandatory"] = item["mandatory"].strip().lower() in ("true", "yes", "1", "y")
    if "predecessors" in item:
        item["predecessors"] = [t for t, _ in _pairs(item["predecessors"])]
    if "objectives" in item:  # Objective title=contribution
        item["objectives"] = [{"objective": t, "contribution": v or 3} for t, v in _pairs(item["objectives"])]
    if "applications" in item:  # Application name=action
        item["applications"] = [{"application": t, "action": v or "invest"} for t, v in _pairs(item["applications"])]
    if "risks" in item:  # Scenario title=tef_factor:0.5,vulnerability_factor:0.8
        item["risks"] = [{"scenario": t, "effect": dict(kv.split(":", 1) for kv in v.split(",") if ":" in kv)}
                         for t, v in _pairs(item["risks"])]  # fmt: skip
    return item


def _rows(data: bytes, name: str) -> list[tuple[str, dict[str, Any]]]:
    if name.lower().endswith(".json"):
        try:
            # depth-bounded; size bounded on upload; a UTF-8 BOM (Windows editors) is allowed
            parsed = jsondoc.load_json(data.removeprefix(BOM_UTF8), name, max_bytes=len(data))
        except UnsafeInput as exc:
            raise InvalidInput.one(exc.location or name, exc.reason) from None
        items = parsed.get("initiatives") if isinstance(parsed, dict) else parsed
        if not isinstance(items, list) or len(items) > MAX_ROWS:
            raise InvalidInput.one(name, f"must be a list of at most {MAX_ROWS} initiatives (or {{'initiatives': []}})")
        return [(f"{name}[{n}]", i if isinstance(i, dict) else {"_": i}) for n, i in enumerate(items)]
    try:
        rows = read_csv(data, name, required={"title"}, allowed=CSV_COLUMNS, max_rows=MAX_ROWS)
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    return [(f"{name}:{n + 2}", item_from_text(r)) for n, r in enumerate(rows)]


class Resolver:
    """Looks objectives, applications and scenarios up by title (or takes ids)."""

    def __init__(self, session: Session, principal: Principal | None) -> None:
        self.session, self.principal = session, principal
        stmt = StrategyRepository(session, Objective).base_query(principal)
        self.objectives = {o.title.lower(): o.id for o in session.scalars(stmt)}
        self.scenarios = {s.title.lower(): s.id for s in risk_service.visible_scenarios(session, principal, {})}

    def objective(self, ref: Any) -> Any:
        return self.objectives.get(str(ref).lower(), ref)

    def scenario(self, ref: Any) -> Any:
        return self.scenarios.get(str(ref).lower(), ref)

    def application(self, ref: Any) -> Any:
        try:
            return uuid.UUID(str(ref))
        except ValueError:
            pass
        try:
            _, obj = inventory.resolve_ref(self.session, self.principal, f"application:{ref}")
        except (NotFound, KeyError):
            return ref
        return obj.id


LINKS = {"objectives": "objective", "applications": "application", "risks": "scenario"}


def shape_errors(item: dict[str, Any], where: str) -> list[FieldError]:
    """Check the link lists of a JSON item: lists of objects whose references are plain titles or ids."""
    errors = []
    for field, ref in LINKS.items():
        links = item.get(field, [])
        if not isinstance(links, list):
            errors.append(FieldError(f"{where}: {field}", "must be a list of objects"))
            continue
        for n, link in enumerate(links):
            if not isinstance(link, dict):
                errors.append(FieldError(f"{where}: {field}.{n}", "must be an object"))
            elif any(not isinstance(link.get(k, ""), str | int) for k in (ref, f"{ref}_id")):
                errors.append(FieldError(f"{where}: {field}.{n}", f"{ref} must be a title or an id"))
    predecessors = item.get("predecessors", [])
    if not isinstance(predecessors, list) or not all(isinstance(p, str) for p in predecessors):
        errors.append(FieldError(f"{where}: predecessors", "must be a list of initiative titles"))
    return errors


def payload_for(item: dict[str, Any], r: Resolver, unit_id: uuid.UUID, name: str) -> dict[str, Any]:
    out = {k: v for k, v in item.items() if k != "predecessors"}
    if "objectives" in item:
        out["objectives"] = [{"objective_id": r.objective(o.get("objective", o.get("objective_id"))),
                              "contribution": o.get("contribution", 3)} for o in item["objectives"]]  # fmt: skip
    if "applications" in item:
        out["applications"] = [{"application_id": r.application(a.get("application", a.get("application_id"))),
                                "action": a.get("action", "invest")} for a in item["applications"]]  # fmt: skip
    if "risks" in item:
        out["risks"] = [{"scenario_id": r.scenario(x.get("scenario", x.get("scenario_id"))), "effect": x.get("effect")}
                        for x in item["risks"]]  # fmt: skip
    return {**out, "org_unit_id": unit_id, "source": f"imported from {name}"[:200]}


def import_initiatives(
    session: Session, principal: Principal | None, data: bytes, name: str, unit_id: uuid.UUID
) -> dict[str, Any]:
    """Create every initiative of a CSV or JSON file, or none; errors are located 'file:row: field: reason'."""
    require_in_unit(session, principal, unit_id, actions.IMPORT.name, "unit")
    rows = _rows(data, name)
    resolver = Resolver(session, principal)
    errors: list[FieldError] = []
    made: dict[str, Any] = {}
    for where, item in rows:
        if shape := shape_errors(item, where):
            errors += shape
            continue
        try:
            payload = InitiativeCreate.model_validate(payload_for(item, resolver, unit_id, name))
            with session.begin_nested():
                made[payload.title.lower()] = service.create_initiative(session, principal, payload)
        except ValidationError as exc:
            errors += [FieldError(f"{where}: " + ".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        except InvalidInput as exc:
            errors += [FieldError(f"{where}: {e.location.removeprefix('body.')}", e.reason) for e in exc.errors]
    errors += _link_predecessors(session, principal, rows, made)
    if errors:
        raise InvalidInput(errors)
    return {"added": len(made), "ids": [str(i.id) for i in made.values()]}


def _link_predecessors(
    session: Session, principal: Principal | None, rows: list[tuple[str, dict[str, Any]]], made: dict[str, Any]
) -> list[FieldError]:
    """Resolve predecessors by title among the file's rows and the initiatives already there."""
    known = {i.title.lower(): i.id for i in service.visible_initiatives(session, principal)}
    errors = []
    for where, item in rows:
        title = item.get("title")
        title = title.strip().lower() if isinstance(title, str) else ""
        if title not in made or not item.get("predecessors"):
            continue
        wanted: dict[uuid.UUID, dict[str, Any]] = {}
        for n, ref in enumerate(item["predecessors"]):
            pred = known.get(str(ref).strip().lower())
            if pred is None:
                errors.append(FieldError(f"{where}: predecessors.{n}", f"no initiative titled {ref!r}"))
            else:
                wanted[pred] = {}
        repo.set_links(session, "predecessors", made[title].id, wanted)
    return errors
