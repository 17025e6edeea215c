"""The authorisation matrix's inventory: every route with its declared action, concrete URLs and request bodies.

Built from the app's route table and the permission registry, so a new route joins the matrix by existing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import select

from tandem.platform.audit.models import AuditEntry, AuditHead
from tandem.platform.auth.roles import ROLES, Action, all_actions, get_action
from tandem.platform.db.uow import Database
from tests.contracts.registry import ResourceContract

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Free-text path parameters get a value the route understands, so only the caller's rights decide the answer.
STR_PARAMS = {"plural": "applications", "fmt": "csv", "verb": "review", "what": "course", "which": "cio"}
DENIED = {403, 404}


@dataclass(frozen=True)
class RouteCell:
    """One route of the table: its method, path template and declared action."""

    method: str
    path: str
    action: Action
    route: APIRoute

    @property
    def is_api(self) -> bool:
        """Return whether the route answers problem+json (the REST API) rather than pages."""
        return self.path.startswith("/api/")

    @property
    def label(self) -> str:
        """Return 'METHOD /path' for messages."""
        return f"{self.method} {self.path}"

    def url(self, bound: dict[str, str] | None = None) -> str:
        """Return a concrete URL: bound values first, then a syntactically valid value per parameter."""
        values = dict(bound or {})
        for param in self.route.dependant.path_params:
            if param.name not in values:
                if param.field_info.annotation is uuid.UUID:
                    values[param.name] = str(uuid.uuid4())
                else:
                    values[param.name] = STR_PARAMS.get(param.name, "x")
        return self.path.format(**values)

    def lacking_roles(self) -> list[str]:
        """Return the roles that do not hold the route's action."""
        return sorted(set(ROLES) - self.action.roles)


def _walk(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes)


def _actions(dependant: Any) -> list[str]:
    found = []
    for dep in dependant.dependencies:
        action = getattr(dep.call, "tandem_action", None)
        if action is not None:
            found.append(action)
        found.extend(_actions(dep))
    return found


@cache
def route_cells() -> tuple[RouteCell, ...]:
    """Return every non-public route of the app (each method separately), with its declared action."""
    from tandem.app import create_app
    from tandem.platform.config import get_settings
    from tandem.platform.db.uow import get_database

    app = create_app(get_settings(), get_database())
    cells = []
    for route in _walk(app.routes):
        declared = [a for a in _actions(route.dependant) if a != "public"]
        if not declared:
            continue  # public by the route-table test's reviewed list
        # A route that declares several actions needs all of them; the strictest (fewest roles) decides.
        action = min((get_action(a) for a in declared), key=lambda a: len(a.roles))
        for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
            cells.append(RouteCell(method, route.path, action, route))
    return tuple(sorted(cells, key=lambda c: (c.path, c.method)))


def action_domains() -> list[str]:
    """Return the token-scope domains (the first part of every registered action)."""
    return sorted({a.domain for a in all_actions()})


# What a refused request itself leaves in the chain (ASVS V16.3.2): a record of the refusal, not a change.
REFUSAL_ACTIONS = ("authz.denied",)


def audit_seq(db: Database) -> int:
    """Return the audit chain's head sequence number (0 when empty)."""
    with db.engine.connect() as conn:
        return int(conn.execute(select(AuditHead.seq).where(AuditHead.id == 1)).scalar() or 0)


def audit_writes_since(db: Database, seq: int) -> list[str]:
    """Return the actions of the entries after seq other than refusal records: what a request really wrote."""
    with db.engine.connect() as conn:
        stmt = select(AuditEntry.action).where(AuditEntry.seq > seq, AuditEntry.action.not_in(REFUSAL_ACTIONS))
        return [str(action) for action in conn.execute(stmt.order_by(AuditEntry.seq)).scalars()]


def send(client: httpx.Client, cell: RouteCell, url: str, body: dict[str, Any] | None = None) -> httpx.Response:
    """Send the cell's request; write methods carry a JSON body (empty unless given)."""
    if cell.method in WRITE_METHODS and cell.method != "DELETE":
        if cell.is_api:
            return client.request(cell.method, url, json=body if body is not None else {})
        return client.request(cell.method, url, data=body or {})
    return client.request(cell.method, url)


def unauthenticated_ok(cell: RouteCell, response: httpx.Response) -> bool:
    """Return whether an anonymous request got 401 (API) or a redirect to the sign-in page (pages)."""
    if cell.is_api:
        return response.status_code == 401
    return response.status_code in (302, 303) and response.headers.get("location", "").startswith("/login")


# ---- object-scope cells: routes that act on one object of a registered resource ----


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def bind_to_resource(cell: RouteCell, contract: ResourceContract) -> tuple[dict[str, str], str] | None:
    """Return (path values, the object's parameter) aiming the cell at one object of the resource, or None.

    The route must start with the resource's collection path (API or page flavour; a free-text parameter may
    stand for a literal segment, as in /inventory/{plural}) followed by a UUID parameter naming the object.
    """
    params = {p.name: p.field_info.annotation for p in cell.route.dependant.path_params}
    route_segs = _segments(cell.path)
    for prefix in (contract.path, contract.path.removeprefix("/api/v1")):
        prefix_segs = _segments(prefix)
        if len(route_segs) <= len(prefix_segs):
            continue
        bound: dict[str, str] = {}
        for mine, theirs in zip(route_segs, prefix_segs, strict=False):
            if mine == theirs:
                continue
            name = mine.strip("{}")
            if mine.startswith("{") and params.get(name) is str:
                bound[name] = theirs
                continue
            break
        else:
            nxt = route_segs[len(prefix_segs)]
            name = nxt.strip("{}")
            if nxt.startswith("{") and params.get(name) is uuid.UUID:
                return bound, name
    return None


def minimal_body(cell: RouteCell) -> dict[str, Any] | None:
    """Return a schema-valid JSON body for an API write route (required fields only), or None if it takes none."""
    for param in cell.route.dependant.body_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            schema = annotation.model_json_schema()
            value = _from_schema(schema, schema.get("$defs", {}))
            return value if isinstance(value, dict) else {}
    return None


def _from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _from_schema(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return _from_schema(options[0], defs)
    kind = schema.get("type")
    if kind == "object":
        required = set(schema.get("required", ()))
        props = schema.get("properties", {})
        return {name: _from_schema(sub, defs) for name, sub in props.items() if name in required}
    if kind == "array":
        return [_from_schema(schema["items"], defs)] * int(schema.get("minItems", 0)) if "items" in schema else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return _string(schema)


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return dt.date.today().isoformat()
    if fmt == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    if fmt == "email":
        return "someone@example.org"
    if fmt in ("uri", "url"):
        return "https://example.org/"
    return "x" * max(int(schema.get("minLength", 1)), 1)
