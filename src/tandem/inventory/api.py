"""REST routes /api/v1/inventory/<plural>: CRUD, attest, impact and exposure for every kind."""

# No `from __future__ import annotations`: the route factory's body types must be real classes.
import uuid
from typing import Any

from fastapi import APIRouter, Body, Query, Request, Response

from tandem.inventory import graph, service
from tandem.inventory.kinds import KINDS, Kind
from tandem.inventory.relation_types import relation_types
from tandem.inventory.schemas import AttestIn, GraphOut
from tandem.platform.api.deps import DbSession, requires
from tandem.platform.api.paging import PageOut, page_out, page_request
from tandem.platform.auth.principal import Principal

PREFIX = "/api/v1/inventory"
router = APIRouter(prefix=PREFIX, tags=["inventory"])
ABSENT: dict[str, Any] = {"response_model_exclude_unset": True}


def _add_kind_routes(kind: Kind) -> None:
    create_schema, update_schema, read_schema = kind.create, kind.update, kind.read
    base = f"/{kind.plural}"

    # Answers are dicts without the fields the caller may not read (ASVS V8.2.3); exclude_unset keeps them absent
    # instead of letting the response model fill them back in as null.
    @router.get(base, response_model=PageOut[read_schema], name=f"list_{kind.entity}", **ABSENT)  # type: ignore[valid-type]
    def list_items(request: Request, session: DbSession, principal: Principal = requires("inventory.view")) -> Any:
        page = service.list_records(session, principal, kind, page_request(request, kind.spec))
        access = service.field_access(session, principal, kind)
        return page_out(page, lambda obj: service.read_out(session, principal, kind, obj, access))

    @router.post(base, response_model=read_schema, status_code=201, name=f"create_{kind.entity}", **ABSENT)
    def create_item(
        session: DbSession,
        body: create_schema = Body(),  # type: ignore[valid-type]
        principal: Principal = requires("inventory.edit"),
    ) -> Any:
        return service.read_out(session, principal, kind, service.create_record(session, principal, kind, body))

    @router.get(base + "/{item_id}", response_model=read_schema, name=f"get_{kind.entity}", **ABSENT)
    def get_item(item_id: uuid.UUID, session: DbSession, principal: Principal = requires("inventory.view")) -> Any:
        return service.read_out(session, principal, kind, service.get_record(session, principal, kind, item_id))

    @router.patch(base + "/{item_id}", response_model=read_schema, name=f"update_{kind.entity}", **ABSENT)
    def update_item(
        item_id: uuid.UUID,
        session: DbSession,
        body: update_schema = Body(),  # type: ignore[valid-type]
        principal: Principal = requires("inventory.edit"),
    ) -> Any:
        obj = service.update_record(session, principal, kind, item_id, body)
        return service.read_out(session, principal, kind, obj)

    @router.delete(base + "/{item_id}", status_code=204, name=f"delete_{kind.entity}")
    def delete_item(
        item_id: uuid.UUID, session: DbSession, principal: Principal = requires("inventory.edit")
    ) -> Response:
        service.delete_record(session, principal, kind, item_id)
        return Response(status_code=204)

    @router.post(base + "/{item_id}/attest", response_model=read_schema, name=f"attest_{kind.entity}", **ABSENT)
    def attest_item(
        item_id: uuid.UUID,
        session: DbSession,
        body: AttestIn | None = None,
        principal: Principal = requires("inventory.attest"),
    ) -> Any:
        note = body.note if body is not None else ""
        obj = service.attest_record(session, principal, kind, item_id, note)
        return service.read_out(session, principal, kind, obj)

    if kind.entity == "relation":
        return

    @router.get(base + "/{item_id}/impact", response_model=GraphOut, name=f"impact_{kind.entity}")
    def impact_of(
        item_id: uuid.UUID,
        session: DbSession,
        depth: int = Query(graph.MAX_DEPTH, ge=1, le=graph.MAX_DEPTH),
        principal: Principal = requires("inventory.view"),
    ) -> Any:
        obj = service.get_record(session, principal, kind, item_id)
        return graph.impact(session, principal, kind, obj, depth)

    @router.get(base + "/{item_id}/exposure", response_model=GraphOut, name=f"exposure_{kind.entity}")
    def exposure_of(
        item_id: uuid.UUID,
        session: DbSession,
        depth: int = Query(graph.MAX_DEPTH, ge=1, le=graph.MAX_DEPTH),
        principal: Principal = requires("inventory.view"),
    ) -> Any:
        obj = service.get_record(session, principal, kind, item_id)
        return graph.exposure(session, principal, kind, obj, depth)


@router.get("/relation-types")
def list_relation_types(session: DbSession, principal: Principal = requires("inventory.view")) -> Any:
    """Return the relation type registry: names, allowed ends, and how impact and access flow."""
    return [
        {
            "name": r.name,
            "label": r.label,
            "sources": sorted(r.sources),
            "targets": sorted(r.targets),
            "depends": r.depends,
            "reaches": r.reaches,
        }
        for r in relation_types()
    ]


@router.get("/freshness")
def freshness(
    session: DbSession,
    days: int | None = Query(None, ge=1, le=36500),
    principal: Principal = requires("inventory.view"),
) -> Any:
    """List records nobody verified in `days` days (default: TANDEM_INVENTORY_STALE_AFTER_DAYS), per owner."""
    return {"items": service.freshness(session, principal, days)}


@router.get("/resolve")
def resolve(ref: str, session: DbSession, principal: Principal = requires("inventory.view")) -> Any:
    """Find a record from a reference such as application:EHR or asset:db01."""
    kind, obj = service.resolve_ref(session, principal, ref)
    return {"kind": kind.entity, "plural": kind.plural, "id": obj.id, "label": service.label_of(kind, obj)}


for _kind in KINDS.values():
    _add_kind_routes(_kind)


@router.post("/imports")
async def import_file(
    request: Request,
    kind: str = Query(
        ..., description="applications, assets, software, data-stores, vendors, people, capabilities, relations or sbom"
    ),
    file_name: str = Query("upload.csv", max_length=200),
    dry_run: bool = Query(False),
    unit_id: uuid.UUID | None = Query(None),
    application: str | None = Query(None, max_length=300),
    principal: Principal = requires("inventory.import"),
) -> Any:
    """Import the request body (CSV, JSON or CycloneDX JSON); large files become a job (202)."""
    from starlette.concurrency import run_in_threadpool

    data = await request.body()
    return await run_in_threadpool(
        _import_sync, request, data, kind, file_name, dry_run, unit_id, application, principal
    )


def _import_sync(
    request: Request,
    data: bytes,
    kind: str,
    file_name: str,
    dry_run: bool,
    unit_id: uuid.UUID | None,
    application: str | None,
    principal: Principal,
) -> Any:
    from fastapi.responses import JSONResponse

    from tandem.inventory import imports, jobs
    from tandem.inventory.settings import get_inventory_settings
    from tandem.platform.api.deps import actor_of, get_db
    from tandem.platform.db.uow import unit_of_work

    actor = actor_of(principal, request)
    with unit_of_work(get_db(request), actor=actor, request_id=request.state.request_id) as session:
        if not dry_run and data.count(b"\n") > get_inventory_settings().job_threshold_rows:
            job = jobs.enqueue_import(
                session,
                principal.user_id,
                data,
                kind=kind,
                file_name=file_name,
                unit_id=unit_id,
                application=application,
                fmt=None,
            )
            return JSONResponse({"job_id": str(job.id), "status": "queued"}, status_code=202)
        return imports.import_file(
            session, principal, kind, data, file_name, unit_id=unit_id, application=application, dry_run=dry_run
        )


@router.get("/exports")
def export_file(
    session: DbSession,
    kind: str = Query(...),
    format: str = Query("csv", pattern="^(csv|json)$"),
    principal: Principal = requires("inventory.export"),
) -> Any:
    """Export every visible record of a kind in the import format."""
    from fastapi.responses import StreamingResponse

    from tandem.inventory import exports
    from tandem.inventory.kinds import kind_of

    try:
        k = kind_of(kind)
    except KeyError:
        from tandem.platform.errors import InvalidInput

        raise InvalidInput.one("query.kind", f"unknown kind; use {', '.join(KINDS)}") from None
    columns, rows = exports.export_rows(session, principal, k)
    media = "application/json" if format == "json" else "text/csv; charset=utf-8"
    headers = {"Content-Disposition": f'attachment; filename="{k.plural}.{format}"'}
    return StreamingResponse(exports.render(columns, rows, format), media_type=media, headers=headers)
