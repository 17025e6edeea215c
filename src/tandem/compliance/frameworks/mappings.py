"""Mappings between requirements ("comply once, satisfy many"): import, add, edit, export as OSCAL."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.frameworks import repository as repo
from tandem.compliance.frameworks.service import get_framework, load_document, located
from tandem.compliance.models import Mapping
from tandem.compliance.oscal import MappingRecord, MappingSet, check_document, to_mapping_collection
from tandem.compliance.oscal.mapping import RELATIONSHIPS
from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.db.types import utcnow
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.platform.safety.errors import UnsafeInput

# How strongly a result carries over a relationship, read as "target <relationship> source".
INVERSE = {"subset-of": "superset-of", "superset-of": "subset-of"}


def import_records(
    session: Session,
    principal: Principal | None,
    records: list[MappingRecord],
    source_fw: uuid.UUID,
    target_fw: uuid.UUID,
    name: str,
) -> int:
    """Store mapping records between two library frameworks; any unknown id rejects the whole file."""
    if principal is not None:
        require(session, principal, actions.IMPORT.name)
    sources, targets = repo.ref_index(session, source_fw), repo.ref_index(session, target_fw)
    errors: list[FieldError] = []
    for n, r in enumerate(records):
        for side, ref, index in (("source", r.source_id, sources), ("target", r.target_id, targets)):
            if ref not in index and len(errors) < 50:
                errors.append(FieldError(f"{name}:maps[{n}].{side}", f"unknown requirement id {ref!r}"))
    if errors:
        raise InvalidInput(errors)
    existing = repo.existing_pairs(session, [sources[r.source_id] for r in records])
    now = utcnow()
    rows: dict[tuple[uuid.UUID, uuid.UUID], dict[str, Any]] = {}
    for r in records:
        pair = (sources[r.source_id], targets[r.target_id])
        if pair in existing or pair in rows:
            continue
        rows[pair] = {
            "id": uuid.uuid4(), "source_id": pair[0], "target_id": pair[1], "relationship": r.relationship,
            "strength": r.strength, "rationale": r.comment or "", "provenance": (r.provenance or name)[:300],
            "created_at": now, "updated_at": now,
        }  # fmt: skip
    repo.insert_mappings(session, list(rows.values()))
    record_event(
        session, "compliance.mappings_imported", "compliance_mappings", None, {"file": name, "added": len(rows)}
    )
    return len(rows)


def parse_mapping_collection(data: bytes, name: str) -> list[MappingRecord]:
    """Read an OSCAL mapping-collection (validated) into records."""
    doc = load_document(data, name)
    try:
        check_document(doc, name, "mapping-collection")
    except UnsafeInput as exc:
        raise located(exc) from None
    records = []
    for mapping in doc["mapping-collection"].get("mappings", []):
        for m in mapping.get("maps", []):
            strength = next((p["value"] for p in m.get("props", []) if p["name"] == "strength"), None)
            for s in m.get("sources", []):
                for t in m.get("targets", []):
                    records.append(
                        MappingRecord("", s["id-ref"], "", t["id-ref"], m["relationship"],
                                      strength=int(strength) if strength else None, comment=m.get("remarks"))
                    )  # fmt: skip
    return records


def import_file(
    session: Session, principal: Principal | None, data: bytes, name: str, source_fw: uuid.UUID, target_fw: uuid.UUID
) -> int:
    """Import a mapping file: an OSCAL mapping-collection (JSON) or a NIST OLIR crosswalk workbook (xlsx)."""
    from tandem.compliance.content.crosswalk import parse_crosswalk

    try:
        records = (
            parse_crosswalk(data, name) if name.lower().endswith(".xlsx") else parse_mapping_collection(data, name)
        )
    except UnsafeInput as exc:
        raise located(exc) from None
    return import_records(session, principal, records, source_fw, target_fw, name)


def _check_fields(relationship: str, strength: int | None) -> None:
    if relationship not in RELATIONSHIPS:
        raise InvalidInput.one("body.relationship", f"must be one of {', '.join(RELATIONSHIPS)}")
    if strength is not None and not 0 <= strength <= 10:
        raise InvalidInput.one("body.strength", "must be from 0 to 10")


def add_mapping(session: Session, principal: Principal, data: Any) -> Mapping:
    """Add one mapping between two requirements."""
    require(session, principal, actions.EDIT.name)
    _check_fields(data.relationship, data.strength)
    for field, rid in (("source_id", data.source_id), ("target_id", data.target_id)):
        if repo.requirement_by_id(session, rid) is None:
            raise InvalidInput.one(f"body.{field}", "no such requirement")
    if data.source_id == data.target_id:
        raise InvalidInput.one("body.target_id", "a requirement cannot map to itself")
    if (data.source_id, data.target_id) in repo.existing_pairs(session, [data.source_id]):
        raise Conflict("these requirements are already mapped; edit the mapping instead")
    mapping = Mapping(**data.model_dump(), provenance=f"entered by {principal.username}")
    session.add(mapping)
    session.flush()
    return mapping


def update_mapping(session: Session, principal: Principal, mapping_id: uuid.UUID, data: Any) -> Mapping:
    """Change a mapping's relationship, strength or rationale."""
    require(session, principal, actions.EDIT.name)
    mapping = get_mapping(session, principal, mapping_id)
    patch = data.model_dump(exclude_unset=True)
    _check_fields(patch.get("relationship", mapping.relationship), patch.get("strength", mapping.strength))
    for key, value in patch.items():
        setattr(mapping, key, value)
    session.flush()
    return mapping


def delete_mapping(session: Session, principal: Principal, mapping_id: uuid.UUID) -> None:
    """Delete a mapping."""
    require(session, principal, actions.EDIT.name)
    session.delete(get_mapping(session, principal, mapping_id))
    session.flush()


def get_mapping(session: Session, principal: Principal, mapping_id: uuid.UUID) -> Mapping:
    """Return a mapping."""
    require(session, principal, actions.VIEW.name)
    mapping = repo.get_mapping(session, mapping_id)
    if mapping is None:
        raise NotFound("mapping not found")
    return mapping


def mapped(session: Session, principal: Principal, requirement_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return the requirements mapped to one (either direction, baseline nodes count as their catalog node)."""
    require(session, principal, actions.VIEW.name)
    req = repo.requirement_by_id(session, requirement_id)
    if req is None:
        raise NotFound("requirement not found")
    canonical = req.base_requirement_id or req.id
    maps = repo.mappings_touching(session, [canonical])
    others = repo.requirements_by_ids(session, [m.target_id if m.source_id == canonical else m.source_id for m in maps])
    names = {f.id: f.name for f in repo.FrameworkRepository(session).all_frameworks()}
    out = []
    for m in maps:
        forward = m.source_id == canonical
        other = others[m.target_id if forward else m.source_id]
        relationship = m.relationship if forward else INVERSE.get(m.relationship, m.relationship)
        out.append({"mapping_id": m.id, "relationship": relationship, "strength": m.strength,
                    "rationale": m.rationale, "requirement_id": other.id, "ref": other.ref, "label": other.label,
                    "title": other.title, "framework_id": other.framework_id,
                    "framework": names.get(other.framework_id, "")})  # fmt: skip
    return sorted(out, key=lambda x: (x["framework"], x["label"]))


def export_collection(
    session: Session, principal: Principal, source_fw: uuid.UUID, target_fw: uuid.UUID
) -> dict[str, Any]:
    """Export the mappings from one framework to another as an OSCAL mapping-collection."""
    require(session, principal, actions.EXPORT.name)
    source, target = get_framework(session, None, source_fw), get_framework(session, None, target_fw)
    records = tuple(
        MappingRecord(f"{source.key}@{source.version}", s, f"{target.key}@{target.version}", t,
                      m.relationship, strength=m.strength, comment=m.rationale or None)  # type: ignore[arg-type]
        for m, s, t in repo.mappings_between(session, source_fw, target_fw)
    )  # fmt: skip
    mapping_set = MappingSet(
        title=f"{source.name} {source.version} to {target.name} {target.version}",
        version="1.0", source_href=f"#{source.key}@{source.version}", target_href=f"#{target.key}@{target.version}",
        records=records, description="Mappings exported from the Tandem library.",
    )  # fmt: skip
    return to_mapping_collection(mapping_set)
