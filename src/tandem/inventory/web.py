"""Inventory pages: lists, two-lens detail pages, forms, graph views, freshness and the import preview."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.inventory import graph, service
from tandem.inventory import repository as repo
from tandem.inventory.kinds import ENTITIES, KINDS, Kind, kind_of
from tandem.inventory.relation_types import get_relation_type
from tandem.inventory.webforms import form_fields, locked_fields, read_form
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.audit.service import entries_for
from tandem.platform.auth import fields
from tandem.platform.auth.principal import Principal
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import NotFound, TandemError
from tandem.platform.references import related
from tandem.platform.web.forms import WebForm, discard, field_of, form_errors, text
from tandem.platform.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def _kind(plural: str) -> Kind:
    if plural not in KINDS:
        raise NotFound("no such inventory list")
    return KINDS[plural]


@router.get("/inventory")
def index(request: Request, session: DbSession, principal: Principal = requires("inventory.view")) -> HTMLResponse:
    """Show the inventory at a glance: how many records of each kind, and how many are stale."""
    units = repo.unit_ids_for(session, principal) or []
    counts = [(k, repo.count_by_unit(session, k, units)) for k in KINDS.values()]
    stale = len(service.freshness(session, principal, limit=200))
    return render(request, "inventory/index.html", counts=counts, stale=stale)


@router.get("/inventory/freshness")
def freshness_page(
    request: Request, session: DbSession, principal: Principal = requires("inventory.view")
) -> HTMLResponse:
    """List records nobody has verified in N days, per owner."""
    raw = request.query_params.get("days", "")
    days = int(raw) if raw.isdigit() and 0 < int(raw) < 36500 else None
    rows = service.freshness(session, principal, days)
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["owner"], []).append(row)
    plural = {k.entity: k.plural for k in KINDS.values()}
    return render(request, "inventory/freshness.html", groups=groups, days=days, plural=plural)


@router.get("/inventory/{plural}")
def list_page(
    plural: str, request: Request, session: DbSession, principal: Principal = requires("inventory.view")
) -> HTMLResponse:
    """List records with search, filters, sorting and paging."""
    kind = _kind(plural)
    params = {k: v for k, v in request.query_params.items() if v and k != "flash"}
    page = service.list_records(session, principal, kind, PageRequest.parse(kind.spec, params))
    access = service.field_access(session, principal, kind)
    rows = [
        service.read_out(session, principal, kind, obj, access) | {"_stale": service.is_stale(obj)}
        for obj in page.items
    ]
    hidden = (
        fields.restricted_names(access.resource) if any(access.hidden(o.org_unit_id) for o in page.items) else set()
    )
    columns = [kind.label, *[f for f in next(iter(kind.lens.values()))[:5] if f != kind.label and f not in hidden]]
    return render(
        request,
        "inventory/list.html",
        kind=kind,
        page=page,
        rows=rows,
        columns=columns,
        params=params,
        filters=_filter_options(kind),
    )


def _filter_options(kind: Kind) -> list[tuple[str, list[str]]]:
    out = []
    for name in kind.spec.filter_fields:
        info = kind.create.model_fields.get(name)
        if info is None:
            continue
        from tandem.inventory.webforms import _literal_options

        options = _literal_options(info.annotation)
        if options:
            out.append((name, options))
    return out


@router.get("/inventory/{plural}/new")
def new_page(
    plural: str, request: Request, session: DbSession, principal: Principal = requires("inventory.edit")
) -> HTMLResponse:
    """Show an empty form."""
    kind = _kind(plural)
    values = {k: v for k, v in request.query_params.items() if k in kind.create.model_fields}
    inputs = form_fields(session, principal, kind, values)
    return render(request, "inventory/form.html", kind=kind, fields=inputs, errors={}, record=None)


@router.post("/inventory/{plural}/new")
def create_page(
    plural: str, request: Request, form: WebForm, session: DbSession, principal: Principal = requires("inventory.edit")
) -> Response:
    """Create a record from the form, or show the form again with each error beside its field."""
    kind = _kind(plural)
    locked = locked_fields(session, principal, kind, None)
    data = read_form(kind, form, partial=False, locked=locked)
    try:
        obj = service.create_record(session, principal, kind, service.validate_input(kind.create, data, "body"))
    except TandemError as exc:
        discard(session)
        inputs = form_fields(session, principal, kind, {k: v for k, v in data.items() if k not in locked})
        return render(
            request, "inventory/form.html", 422, kind=kind, fields=inputs, errors=_form_errors(exc), record=None
        )
    return redirect(f"/inventory/{plural}/{obj.id}", f"{kind.entity.replace('_', ' ').capitalize()} created.")


@router.get("/inventory/{plural}/{record_id}")
def detail_page(
    plural: str,
    record_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: Principal = requires("inventory.view"),
) -> HTMLResponse:
    """Show a record: the CIO lens and the CISO lens side by side, freshness, relations, impact and history."""
    kind = _kind(plural)
    obj = service.get_record(session, principal, kind, record_id)
    data = service.read_out(session, principal, kind, obj)
    rels = service.relations_of(session, principal, obj.id)
    # One label query per linked kind for the references and the relations together, not one per field.
    labels = _labels(session, principal, _linked(kind, data, rels))
    names = _names(kind, data, labels)
    relations = _relations(rels, obj.id, labels)
    impact = graph.impact(session, principal, kind, obj, 4) if kind.entity != "relation" else None
    history = entries_for(session, kind.model.__tablename__, str(obj.id), 20)
    # The change history must not show what the lenses hide (a cost's old and new amounts).
    secret = {c for n in service.field_access(session, principal, kind).hidden(obj.org_unit_id) for c in _columns(n)}
    return render(
        request,
        "inventory/detail.html",
        kind=kind,
        obj=obj,
        data=data,
        names=names,
        hidden=HIDDEN,
        relations=relations,
        impact=impact,
        history=history,
        secret=secret,
        stale=service.is_stale(obj),
        entities=ENTITIES,
        # What other domains say about this record (e.g. open vulnerability findings), as links they may see.
        related_refs=related(session, principal, kind.entity, obj.id),
    )


def _columns(name: str) -> tuple[str, ...]:
    """Return the table columns a field is stored in (money: amount in minor units and currency)."""
    return (name, f"{name}_minor", f"{name}_currency")


# Shown instead of the name of a linked record outside the reader's units (never linked: it would be a 404).
HIDDEN = "(outside your units)"


def _linked(kind: Kind, data: dict[str, Any], rels: list[Any]) -> dict[str, set[uuid.UUID]]:
    """Return the ids of the records the page names, by entity kind: its references and its relations' ends."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for field, entity in kind.refs.items():
        if data.get(field):
            wanted.setdefault(entity, set()).add(data[field])
    if kind.entity == "relation":
        for end in ("source", "target"):
            wanted.setdefault(data[f"{end}_kind"], set()).add(data[f"{end}_id"])
    for r in rels:
        wanted.setdefault(r.source_kind, set()).add(r.source_id)
        wanted.setdefault(r.target_kind, set()).add(r.target_id)
    return wanted


def _labels(
    session: Session, principal: Principal, wanted: dict[str, set[uuid.UUID]]
) -> dict[tuple[str, uuid.UUID], str]:
    """Return {(entity, id): label} of the wanted records principal may see (others are left out)."""
    labels: dict[tuple[str, uuid.UUID], str] = {}
    for entity, ids in wanted.items():
        if entity in ENTITIES:
            found = repo.entity_repo(session, entity).labels(principal, ids)
            labels.update({(entity, record_id): label for record_id, label in found.items()})
    return labels


def _names(kind: Kind, data: dict[str, Any], labels: dict[tuple[str, uuid.UUID], str]) -> dict[str, str]:
    names = {}
    for field, entity in kind.refs.items():
        if data.get(field):
            names[field] = labels.get((entity, data[field]), HIDDEN)
    if kind.entity == "relation":
        for end in ("source", "target"):
            e = data[f"{end}_kind"]
            if e in ENTITIES:
                names[f"{end}_id"] = labels.get((e, data[f"{end}_id"]), HIDDEN)
    return names


def _relations(rels: list[Any], record_id: uuid.UUID, labels: dict[tuple[str, uuid.UUID], str]) -> list[dict[str, Any]]:
    out = []
    for r in rels:
        outgoing = r.source_id == record_id
        other_kind, other_id = (r.target_kind, r.target_id) if outgoing else (r.source_kind, r.source_id)
        rel_type = get_relation_type(r.type)
        verb = (rel_type.label if rel_type else r.type) if outgoing else f"← {rel_type.label if rel_type else r.type}"
        out.append(
            {
                "id": r.id,
                "verb": verb,
                "kind": other_kind,
                "other_id": other_id,
                "notes": r.notes,
                "label": labels.get((other_kind, other_id), HIDDEN),
                "plural": ENTITIES[other_kind].plural if other_kind in ENTITIES else "",
            }
        )
    return out


@router.get("/inventory/{plural}/{record_id}/edit")
def edit_page(
    plural: str,
    record_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: Principal = requires("inventory.edit"),
) -> HTMLResponse:
    """Show the form filled with the record."""
    kind = _kind(plural)
    obj = service.get_record(session, principal, kind, record_id)
    inputs = form_fields(session, principal, kind, service.as_input(kind, obj), obj.org_unit_id)
    return render(request, "inventory/form.html", kind=kind, fields=inputs, errors={}, record=obj)


@router.post("/inventory/{plural}/{record_id}/edit")
def update_page(
    plural: str,
    record_id: uuid.UUID,
    request: Request,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires("inventory.edit"),
) -> Response:
    """Save the form; errors are shown beside their fields."""
    kind = _kind(plural)
    current = service.get_record(session, principal, kind, record_id)
    locked = locked_fields(session, principal, kind, current.org_unit_id)
    data = read_form(kind, form, partial=True, locked=locked)
    if kind.entity == "relation":
        data = {k: v for k, v in data.items() if k in kind.update.model_fields}
    try:
        obj = service.update_record(
            session, principal, kind, record_id, service.validate_input(kind.update, data, "body")
        )
    except TandemError as exc:
        discard(session)
        record = service.get_record(session, principal, kind, record_id)
        # A refused value is not echoed back into the form: the record's own is shown.
        values = {**service.as_input(kind, record), **{k: v for k, v in data.items() if k not in locked}}
        inputs = form_fields(session, principal, kind, values, record.org_unit_id)
        return render(
            request, "inventory/form.html", 422, kind=kind, fields=inputs, errors=_form_errors(exc), record=record
        )
    return redirect(f"/inventory/{plural}/{obj.id}", "Saved.")


@router.post("/inventory/{plural}/{record_id}/attest")
def attest_page(
    plural: str,
    record_id: uuid.UUID,
    form: WebForm,
    session: DbSession,
    principal: Principal = requires("inventory.attest"),
) -> Response:
    """Confirm the record is still correct."""
    kind = _kind(plural)
    service.attest_record(session, principal, kind, record_id, text(form, "note", 2000))
    return redirect(f"/inventory/{plural}/{record_id}", "Thank you: marked as verified today.")


@router.post("/inventory/{plural}/{record_id}/delete")
def delete_page(
    plural: str, record_id: uuid.UUID, session: DbSession, principal: Principal = requires("inventory.edit")
) -> Response:
    """Delete the record and its relations."""
    kind = _kind(plural)
    service.delete_record(session, principal, kind, record_id)
    return redirect(f"/inventory/{plural}", "Deleted.")


@router.get("/inventory/{plural}/{record_id}/graph")
def graph_page(
    plural: str,
    record_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: Principal = requires("inventory.view"),
) -> HTMLResponse:
    """Show impact (what breaks) or exposure (who can reach the data) as an interactive graph and a table."""
    kind = _kind(plural)
    mode = "exposure" if request.query_params.get("mode") == "exposure" else "impact"
    obj = service.get_record(session, principal, kind, record_id)
    result = (graph.exposure if mode == "exposure" else graph.impact)(session, principal, kind, obj)
    return render(
        request,
        "inventory/graph.html",
        kind=kind,
        obj=obj,
        mode=mode,
        result=result,
        chart=_network(result),
        entities=ENTITIES,
    )


def _network(result: dict[str, Any]) -> dict[str, Any]:
    """Lay the nodes out in columns by depth and draw them with Plotly (edges as lines)."""
    nodes = [result["root"], *result["nodes"]]
    rows: dict[int, int] = {}
    pos: dict[str, tuple[float, float]] = {}
    for n in nodes:
        rows[n["depth"]] = rows.get(n["depth"], 0) + 1
        pos[str(n["id"])] = (n["depth"], -rows[n["depth"]])
    ex, ey = [], []
    for e in result["edges"]:
        a, b = pos.get(str(e["source_id"])), pos.get(str(e["target_id"]))
        if a and b:
            ex += [a[0], b[0], None]
            ey += [a[1], b[1], None]
    edge_trace = {"x": ex, "y": ey, "mode": "lines", "line": {"color": "#999", "width": 1}, "hoverinfo": "none"}
    node_trace = {
        "x": [pos[str(n["id"])][0] for n in nodes],
        "y": [pos[str(n["id"])][1] for n in nodes],
        "mode": "markers+text",
        "text": [f"{n['label']}" for n in nodes],
        "textposition": "top center",
        "hovertext": [" ".join(n["path"]) for n in nodes],
        "hoverinfo": "text",
        "marker": {"size": 14, "color": [n["depth"] for n in nodes], "colorscale": "Viridis"},
    }
    layout = {
        "showlegend": False,
        "height": max(400, 40 * max(rows.values())),
        "xaxis": {"title": "hops", "dtick": 1},
        "yaxis": {"visible": False},
        "margin": {"l": 20, "r": 20, "t": 20, "b": 40},
    }
    return {"data": [edge_trace, node_trace], "layout": layout}


def _form_errors(exc: TandemError) -> dict[str, str]:
    """Return the form's errors; a refused restricted field is also named beside its input."""
    errors = form_errors(exc)
    if isinstance(exc, fields.FieldsDenied):
        errors |= {field_of(e.location): e.reason for e in exc.errors}
    return errors


def kind_for(name: str) -> Kind:
    """Return a kind by any of its names (for templates and links)."""
    return kind_of(name)
