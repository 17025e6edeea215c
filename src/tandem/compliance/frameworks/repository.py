"""All SQL of the framework library: frameworks, the requirement tree (bulk Core inserts) and mappings."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, func, insert, or_, select
from sqlalchemy.orm import Session, aliased

from tandem.compliance.models import ControlRequirement, Framework, Mapping, Requirement
from tandem.platform.db.repository import Repository

CHUNK = 500
BATCH = 2000
# The columns list pages and trees need: never the long text, so a 1,200-node tree stays small.
TREE_COLUMNS = (
    Requirement.id, Requirement.ref, Requirement.label, Requirement.title, Requirement.kind,
    Requirement.assessable, Requirement.withdrawn, Requirement.parent_id, Requirement.position,
    Requirement.base_requirement_id,
)  # fmt: skip


class FrameworkRepository(Repository[Framework]):
    """The library is shared by every unit: reads need compliance.view, not a unit."""

    model = Framework
    view_action = "compliance.view"
    org_scoped = False

    def find(self, key: str, version: str) -> Framework | None:
        """Return the framework with this key and version."""
        stmt = select(Framework).where(Framework.key == key, Framework.version == version)
        return self.session.scalars(stmt).first()

    def versions(self, key: str) -> list[Framework]:
        """Return every stored version of a framework, oldest first."""
        stmt = select(Framework).where(Framework.key == key).order_by(Framework.created_at, Framework.version)
        return list(self.session.scalars(stmt))

    def all_frameworks(self) -> list[Framework]:
        """Return every framework, by name and version."""
        return list(self.session.scalars(select(Framework).order_by(Framework.name, Framework.version)))


def insert_requirements(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert requirement rows with executemany batches (no ORM objects, no per-row audit)."""
    table = cast(Table, Requirement.__table__)
    for start in range(0, len(rows), BATCH):
        session.execute(insert(table), list(rows[start : start + BATCH]))


def ref_index(session: Session, framework_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """Return {ref: requirement id} of a framework."""
    stmt = select(Requirement.ref, Requirement.id).where(Requirement.framework_id == framework_id)
    return {r[0]: r[1] for r in session.execute(stmt)}


def tree_rows(session: Session, framework_id: uuid.UUID, q: str = "") -> list[Row[Any]]:
    """Return the framework's nodes in document order (light columns); q filters by ref, label or title."""
    stmt = select(*TREE_COLUMNS).where(Requirement.framework_id == framework_id)
    if q:
        pattern = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            or_(Requirement.ref.ilike(pattern), Requirement.label.ilike(pattern), Requirement.title.ilike(pattern))
        )
    return list(session.execute(stmt.order_by(Requirement.position)))


def full_rows(session: Session, framework_id: uuid.UUID) -> list[Requirement]:
    """Return every requirement with its text (diffs and exports)."""
    stmt = select(Requirement).where(Requirement.framework_id == framework_id).order_by(Requirement.position)
    return list(session.scalars(stmt))


def get_requirement(session: Session, framework_id: uuid.UUID, ref: str) -> Requirement | None:
    """Return the requirement with this ref in the framework."""
    stmt = select(Requirement).where(Requirement.framework_id == framework_id, Requirement.ref == ref)
    return session.scalars(stmt).first()


def requirement_by_id(session: Session, requirement_id: uuid.UUID) -> Requirement | None:
    """Return a requirement by id."""
    return session.get(Requirement, requirement_id)


def requirements_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
    """Return {id: (id, ref, label, title, framework_id, base_requirement_id)} for many ids."""
    out: dict[uuid.UUID, Row[Any]] = {}
    id_list = list(ids)
    cols = (Requirement.id, Requirement.ref, Requirement.label, Requirement.title, Requirement.framework_id,
            Requirement.base_requirement_id)  # fmt: skip
    for start in range(0, len(id_list), CHUNK):
        stmt = select(*cols).where(Requirement.id.in_(id_list[start : start + CHUNK]))
        out.update({r[0]: cast(Row[Any], r) for r in session.execute(stmt)})
    return out


def canonical_ids(session: Session, framework_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
    """Return {requirement id: canonical id} (a baseline's node is its catalog node) of a framework."""
    stmt = select(Requirement.id, Requirement.base_requirement_id).where(Requirement.framework_id == framework_id)
    return {r[0]: r[1] or r[0] for r in session.execute(stmt)}


def views_of(session: Session, canonical: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Return {canonical id: [baseline node ids resolved from it]}."""
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for start in range(0, len(canonical), CHUNK):
        stmt = select(Requirement.base_requirement_id, Requirement.id).where(
            Requirement.base_requirement_id.in_(canonical[start : start + CHUNK])
        )
        for base, rid in session.execute(stmt):
            if base is not None:
                out.setdefault(base, []).append(rid)
    return out


def count_requirements(session: Session, framework_id: uuid.UUID) -> int:
    """Count the nodes of a framework."""
    stmt = select(func.count()).select_from(Requirement).where(Requirement.framework_id == framework_id)
    return int(session.scalar(stmt) or 0)


# --- mappings -----------------------------------------------------------------------------------


def insert_mappings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert mapping rows in executemany batches."""
    for start in range(0, len(rows), BATCH):
        session.execute(insert(cast(Table, Mapping.__table__)), list(rows[start : start + BATCH]))


def existing_pairs(session: Session, source_ids: Iterable[uuid.UUID]) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Return the (source, target) pairs already mapped from any of source_ids."""
    out: set[tuple[uuid.UUID, uuid.UUID]] = set()
    id_list = list(set(source_ids))
    for start in range(0, len(id_list), CHUNK):
        stmt = select(Mapping.source_id, Mapping.target_id).where(Mapping.source_id.in_(id_list[start : start + CHUNK]))
        out.update((r[0], r[1]) for r in session.execute(stmt))
    return out


def mappings_touching(session: Session, ids: Sequence[uuid.UUID]) -> list[Mapping]:
    """Return the mappings with either end in ids."""
    out: dict[uuid.UUID, Mapping] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        stmt = select(Mapping).where(or_(Mapping.source_id.in_(chunk), Mapping.target_id.in_(chunk)))
        out.update({m.id: m for m in session.scalars(stmt)})
    return list(out.values())


def mappings_between(session: Session, source_fw: uuid.UUID, target_fw: uuid.UUID) -> list[tuple[Mapping, str, str]]:
    """Return (mapping, source ref, target ref) for every mapping from one framework to another."""
    src, tgt = aliased(Requirement), aliased(Requirement)
    stmt = (
        select(Mapping, src.ref, tgt.ref)
        .join(src, src.id == Mapping.source_id)
        .join(tgt, tgt.id == Mapping.target_id)
        .where(src.framework_id == source_fw, tgt.framework_id == target_fw)
        .order_by(src.position, tgt.position)
    )
    return [(r[0], r[1], r[2]) for r in session.execute(stmt)]


def get_mapping(session: Session, mapping_id: uuid.UUID) -> Mapping | None:
    """Return a mapping by id."""
    return session.get(Mapping, mapping_id)


def linked_controls(session: Session, requirement_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Return (requirement id, control id) links for the requirements."""
    out: list[tuple[uuid.UUID, uuid.UUID]] = []
    for start in range(0, len(requirement_ids), CHUNK):
        stmt = select(ControlRequirement.requirement_id, ControlRequirement.control_id).where(
            ControlRequirement.requirement_id.in_(requirement_ids[start : start + CHUNK])
        )
        out.extend((r[0], r[1]) for r in session.execute(stmt))
    return out


def imported_catalogs(session: Session) -> list[Framework]:
    """Return the catalogs imported with their OSCAL document (profile sources), newest first."""
    stmt = select(Framework).where(Framework.document.is_not(None)).order_by(Framework.created_at.desc())
    return list(session.scalars(stmt))


def assessable_nodes(session: Session, framework_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
    """Return (id, position) of the nodes an assessment gets a result for, in document order."""
    stmt = (
        select(Requirement.id, Requirement.position)
        .where(Requirement.framework_id == framework_id, Requirement.assessable.is_(True))
        .order_by(Requirement.position)
    )
    return [(r[0], r[1]) for r in session.execute(stmt)]
