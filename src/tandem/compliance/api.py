"""REST routes /api/v1/compliance: the framework library, mappings, coverage and exports."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from tandem.compliance.assessments import exports
from tandem.compliance.automation import rollup
from tandem.compliance.controls import coverage as cov
from tandem.compliance.frameworks import mappings
from tandem.compliance.frameworks import service as frameworks
from tandem.compliance.schemas import FrameworkRead, MappingCreate, MappingRead, MappingUpdate, RequirementRead
from tandem.platform.api.deps import DbSession, actor_of, get_db, requires
from tandem.platform.auth.principal import Principal
from tandem.platform.db.uow import unit_of_work
from tandem.platform.errors import InvalidInput

PREFIX = "/api/v1/compliance"
router = APIRouter(prefix=PREFIX, tags=["compliance"])


@router.get("/frameworks", response_model=list[FrameworkRead])
def list_frameworks(session: DbSession, principal: Principal = requires("compliance.view")) -> Any:
    """List every framework version in the library."""
    return frameworks.list_frameworks(session, principal)


@router.post("/frameworks/imports", status_code=201, response_model=FrameworkRead)
async def import_framework(
    request: Request,
    format: str = Query(..., pattern="^(catalog|profile|simple)$"),
    file_name: str = Query("upload.json", max_length=200),
    key: str | None = Query(None, max_length=100),
    version: str = Query("", max_length=100),
    name: str = Query("", max_length=300),
    principal: Principal = requires("compliance.import"),
) -> Any:
    """Import the body as an OSCAL catalog (JSON), an OSCAL profile (resolved) or a simple CSV/YAML file."""
    data = await request.body()

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            if format == "catalog":
                fw = frameworks.import_catalog(session, principal, data, file_name, key)
            elif format == "profile":
                fw = frameworks.import_profile(session, principal, data, file_name, key)
            else:
                if not key:
                    raise InvalidInput.one("query.key", "a simple file needs a framework key")
                fw = frameworks.import_simple(session, principal, data, file_name, key, version, name)
            return FrameworkRead.model_validate(fw)

    return await run_in_threadpool(run)


@router.get("/frameworks/diff")
def diff(old: uuid.UUID, new: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.view")) -> Any:
    """Compare two framework versions: added, withdrawn and changed requirements."""
    return frameworks.diff(session, principal, old, new)


@router.get("/frameworks/{framework_id}", response_model=FrameworkRead)
def get_framework(
    framework_id: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.view")
) -> Any:
    """Return one framework version."""
    return frameworks.get_framework(session, principal, framework_id)


@router.get("/frameworks/{framework_id}/tree")
def tree(
    framework_id: uuid.UUID, session: DbSession, q: str = Query("", max_length=200),
    principal: Principal = requires("compliance.view"),
) -> Any:  # fmt: skip
    """Return the requirement tree (light rows with depth; q keeps matches and their ancestors)."""
    return {"items": frameworks.tree(session, principal, framework_id, q)}


@router.get("/frameworks/{framework_id}/requirements/{ref}", response_model=RequirementRead)
def get_requirement(
    framework_id: uuid.UUID, ref: str, session: DbSession, principal: Principal = requires("compliance.view")
) -> Any:
    """Return one requirement with its text."""
    return frameworks.get_requirement(session, principal, framework_id, ref)


@router.get("/requirements/{requirement_id}/mappings")
def requirement_mappings(
    requirement_id: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.view")
) -> Any:
    """Return the requirements mapped to this one, with the relationship read from this side."""
    return {"items": mappings.mapped(session, principal, requirement_id)}


@router.get("/frameworks/{framework_id}/coverage")
def coverage(framework_id: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.view")) -> Any:
    """Return coverage per requirement (covered / partial / gap) with the paths that explain it, and the split by
    kind of evidence (automated-proven / manual / failing / unknown)."""
    entries = cov.coverage(session, principal, framework_id)
    return {"summary": cov.summary(entries), "evidence": rollup.split(entries), "items": entries}


@router.get("/frameworks/{framework_id}/component-definition")
def component_definition(
    framework_id: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.export")
) -> Any:
    """Export the organisation's controls for this framework as an OSCAL component-definition."""
    return exports.component_definition(session, principal, framework_id)


@router.get("/mappings")
def export_mappings(
    source: uuid.UUID, target: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.export")
) -> Any:
    """Export the mappings from one framework to another as an OSCAL mapping-collection."""
    return mappings.export_collection(session, principal, source, target)


@router.post("/mappings", status_code=201, response_model=MappingRead)
def add_mapping(body: MappingCreate, session: DbSession, principal: Principal = requires("compliance.edit")) -> Any:
    """Map two requirements."""
    return mappings.add_mapping(session, principal, body)


@router.get("/mappings/{mapping_id}", response_model=MappingRead)
def get_mapping(mapping_id: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.view")) -> Any:
    """Return one mapping."""
    return mappings.get_mapping(session, principal, mapping_id)


@router.patch("/mappings/{mapping_id}", response_model=MappingRead)
def update_mapping(
    mapping_id: uuid.UUID, body: MappingUpdate, session: DbSession, principal: Principal = requires("compliance.edit")
) -> Any:
    """Change a mapping's relationship, strength or rationale."""
    return mappings.update_mapping(session, principal, mapping_id, body)


@router.delete("/mappings/{mapping_id}", status_code=204)
def delete_mapping(
    mapping_id: uuid.UUID, session: DbSession, principal: Principal = requires("compliance.edit")
) -> Response:
    """Delete a mapping."""
    mappings.delete_mapping(session, principal, mapping_id)
    return Response(status_code=204)


@router.post("/mappings/imports", status_code=201)
async def import_mappings(
    request: Request, source: uuid.UUID, target: uuid.UUID, file_name: str = Query("mappings.json", max_length=200),
    principal: Principal = requires("compliance.import"),
) -> Any:  # fmt: skip
    """Import an OSCAL mapping-collection (JSON) or a NIST OLIR crosswalk (xlsx) between two frameworks."""
    data = await request.body()

    def run() -> Any:
        with unit_of_work(get_db(request), actor=actor_of(principal, request)) as session:
            return {"added": mappings.import_file(session, principal, data, file_name, source, target)}

    return await run_in_threadpool(run)
