"""The framework library: import catalogs, profiles and simple files (all or nothing), versions, diffs, trees."""

from __future__ import annotations

import uuid
from codecs import BOM_UTF8
from typing import Any

from sqlalchemy.orm import Session

from tandem.compliance import actions
from tandem.compliance.content.simple_format import FrameworkFileError, parse_simple_csv, parse_simple_yaml
from tandem.compliance.frameworks import repository as repo
from tandem.compliance.frameworks.convert import FrameworkDraft, from_catalog, from_simple
from tandem.compliance.models import Framework, Requirement
from tandem.compliance.oscal import catalog_from_dict, check_document, parse_profile, resolve_profile
from tandem.compliance.oscal.model import Catalog
from tandem.platform.audit.writer import record_event
from tandem.platform.auth.permissions import require
from tandem.platform.auth.principal import Principal
from tandem.platform.errors import Conflict, FieldError, InvalidInput, NotFound
from tandem.platform.safety import jsondoc
from tandem.platform.safety.errors import UnsafeInput

MAX_ERRORS = 50


def located(exc: UnsafeInput) -> InvalidInput:
    """Turn a parser's located error (file:line:column or file:json.path) into InvalidInput."""
    if isinstance(exc, FrameworkFileError):
        return InvalidInput([FieldError(p.location, p.reason) for p in exc.problems])
    return InvalidInput.one(exc.location or "file", exc.reason)


def _check(session: Session, principal: Principal | None, action: str) -> None:
    if principal is not None:
        require(session, principal, action)


def _check_tree(draft: FrameworkDraft, name: str) -> None:
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(draft.items):
        where = f"{name}:items[{index}]"
        if item.ref in seen:
            errors.append(FieldError(f"{where}.id", f"duplicate id {item.ref!r} (first at item {seen[item.ref]})"))
        seen.setdefault(item.ref, index)
        if item.parent_ref is not None and item.parent_ref not in seen:
            errors.append(FieldError(f"{where}.parent", f"parent {item.parent_ref!r} is not defined before it"))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise InvalidInput(errors)


def store_draft(
    session: Session, principal: Principal | None, draft: FrameworkDraft, name: str, **oscal: Any
) -> Framework:
    """Store a framework version and its tree in one bulk insert; a clash or bad tree writes nothing.

    `oscal` carries an imported catalog's oscal_uuid, source_file and packed document.
    """
    _check(session, principal, actions.IMPORT.name)
    if repo.FrameworkRepository(session).find(draft.key, draft.version) is not None:
        raise Conflict(f"{draft.key} version {draft.version} is already in the library")
    _check_tree(draft, name)
    base = _base_of(session, draft)
    base_refs = repo.ref_index(session, base.id) if base else {}
    framework = repo.FrameworkRepository(session).add(
        Framework(
            key=draft.key, name=draft.name[:300], version=draft.version[:100], kind=draft.kind,
            description=draft.description, source=draft.source[:300], base_id=base.id if base else None,
            requirement_count=sum(1 for i in draft.items if i.assessable), **oscal,
        )
    )  # fmt: skip
    ids = {item.ref: uuid.uuid4() for item in draft.items}
    rows = [
        {
            "id": ids[i.ref], "framework_id": framework.id, "ref": i.ref[:100], "label": (i.label or i.ref)[:100],
            "title": i.title[:500], "text": i.text, "guidance": i.guidance, "kind": i.kind,
            "assessable": i.assessable, "withdrawn": i.withdrawn, "withdrawn_note": i.withdrawn_note[:500],
            "parent_id": ids.get(i.parent_ref) if i.parent_ref else None, "position": n,
            "base_requirement_id": base_refs.get(i.base_ref) if i.base_ref else None,
        }
        for n, i in enumerate(draft.items)
    ]  # fmt: skip
    repo.insert_requirements(session, rows)
    record_event(
        session, "compliance.framework_imported", "compliance_frameworks", str(framework.id),
        {"key": draft.key, "version": draft.version, "nodes": len(rows), "file": name},
    )  # fmt: skip
    return framework


def _base_of(session: Session, draft: FrameworkDraft) -> Framework | None:
    if draft.base_key is None:
        return None
    base = repo.FrameworkRepository(session).find(draft.base_key, draft.base_version or "")
    if base is None:
        raise NotFound(f"the catalog {draft.base_key} {draft.base_version} must be in the library first")
    return base


def load_document(data: bytes, name: str) -> dict[str, Any]:
    """Parse an uploaded OSCAL JSON document (depth-bounded) or raise InvalidInput at file:line:column."""
    try:
        # depth-bounded; the upload limit already bounds the size; a UTF-8 BOM (Windows editors) is allowed
        doc = jsondoc.load_json(data.removeprefix(BOM_UTF8), name, max_bytes=len(data))
    except UnsafeInput as exc:
        raise InvalidInput.one(exc.location or name, exc.reason) from None
    if not isinstance(doc, dict):
        raise InvalidInput.one(f"{name}:1:1", "an OSCAL document must be a JSON object")
    return doc


def parse_catalog_file(data: bytes, name: str, *, validate: bool = True) -> Catalog:
    """Parse (and by default schema-validate) an OSCAL catalog JSON file."""
    doc = load_document(data, name)
    try:
        if validate:
            check_document(doc, name, "catalog")
        return catalog_from_dict(doc, name)
    except UnsafeInput as exc:
        raise located(exc) from None


def import_catalog(
    session: Session, principal: Principal | None, data: bytes, name: str, key: str | None = None
) -> Framework:
    """Import an OSCAL catalog (JSON, validated against the shipped 1.2.3 schema) as a new framework version.

    The document is kept (compressed) so profiles imported later can name this catalog and resolve against it.
    """
    from tandem.compliance.frameworks.sources import pack

    _check(session, principal, actions.IMPORT.name)
    catalog = parse_catalog_file(data, name)
    draft = from_catalog(catalog, key or slug(catalog.metadata.title))
    extra = {"oscal_uuid": catalog.uuid[:36], "source_file": name.rsplit("/", 1)[-1][:300], "document": pack(data)}
    return store_draft(session, principal, draft, name, **extra)


def import_profile(
    session: Session, principal: Principal | None, data: bytes, name: str, key: str | None = None
) -> Framework:
    """Import an OSCAL profile resolved against catalogs in the library (a baseline view of its catalog).

    Each `imports[n].href` may name the shipped 800-53 or any imported catalog by uuid, title or file name;
    one naming no catalog in the library is a located error and nothing is written.
    """
    from tandem.compliance.frameworks.shipped import SP800_53, ensure_shipped
    from tandem.compliance.frameworks.sources import LibraryResolver

    _check(session, principal, actions.IMPORT.name)
    resolver = LibraryResolver(session)
    try:
        doc = load_document(data, name)
        check_document(doc, name, "profile")
        profile = parse_profile(data, name)
        catalog = resolve_profile(profile, resolver)
    except UnsafeInput as exc:
        raise located(exc) from None
    sources = list(dict.fromkeys(resolver.used))
    if SP800_53 in sources:
        ensure_shipped(session, principal, SP800_53[0])
    draft = from_catalog(catalog, key or slug(catalog.metadata.title), resolved=True)
    # Requirements keep the identity of their catalog node when the profile draws on exactly one catalog.
    if len(sources) == 1:
        draft.base_key, draft.base_version = sources[0]
    return store_draft(session, principal, draft, name)


def import_simple(
    session: Session, principal: Principal | None, data: bytes, name: str, key: str, version: str = "", title: str = ""
) -> Framework:
    """Import a framework from the simple CSV or YAML format (by file extension)."""
    _check(session, principal, actions.IMPORT.name)
    try:
        if name.lower().endswith((".yaml", ".yml")):
            parsed = parse_simple_yaml(data, name)
        else:
            parsed = parse_simple_csv(data, name, title or key, version)
    except UnsafeInput as exc:
        raise located(exc) from None
    return store_draft(session, principal, from_simple(parsed, slug(key), title, version), name)


def slug(text: str) -> str:
    """Return a framework key from a title: lower case, dashes, at most 100 characters."""
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(p for p in out.split("-") if p)[:100] or "framework"


# --- reading ------------------------------------------------------------------------------------


def list_frameworks(session: Session, principal: Principal) -> list[Framework]:
    """Return every framework in the library."""
    require(session, principal, actions.VIEW.name)
    return repo.FrameworkRepository(session).all_frameworks()


def get_framework(session: Session, principal: Principal | None, framework_id: uuid.UUID) -> Framework:
    """Return a framework (NotFound if missing)."""
    _check(session, principal, actions.VIEW.name)
    framework = repo.FrameworkRepository(session).get(None, framework_id)
    if framework is None:
        raise NotFound("framework not found")
    return framework


def find_framework(session: Session, principal: Principal | None, ref: str) -> Framework:
    """Find a framework by id, 'key' (newest version) or 'key@version'."""
    _check(session, principal, actions.VIEW.name)
    try:
        return get_framework(session, None, uuid.UUID(ref))
    except ValueError:
        pass
    key, _, version = ref.partition("@")
    frameworks = repo.FrameworkRepository(session)
    found = frameworks.find(key, version) if version else next(iter(reversed(frameworks.versions(key))), None)
    if found is None:
        raise NotFound(f"no framework {ref!r} in the library (use key or key@version)")
    return found


def tree(session: Session, principal: Principal, framework_id: uuid.UUID, q: str = "") -> list[dict[str, Any]]:
    """Return the framework's nodes in order with their depth (search keeps matches and their ancestors)."""
    get_framework(session, principal, framework_id)
    rows = repo.tree_rows(session, framework_id)
    by_id = {r.id: r for r in rows}
    keep: set[uuid.UUID] | None = None
    if q:
        keep = set()
        for r in repo.tree_rows(session, framework_id, q):
            node: Any = r
            while node is not None and node.id not in keep:
                keep.add(node.id)
                node = by_id.get(node.parent_id) if node.parent_id else None
    depth: dict[uuid.UUID, int] = {}
    out = []
    for r in rows:
        depth[r.id] = depth[r.parent_id] + 1 if r.parent_id in depth else 0
        if keep is None or r.id in keep:
            out.append({**r._asdict(), "depth": depth[r.id]})
    return out


def get_requirement(session: Session, principal: Principal | None, framework_id: uuid.UUID, ref: str) -> Requirement:
    """Return one requirement of a framework by its ref."""
    get_framework(session, principal, framework_id)
    found = repo.get_requirement(session, framework_id, ref)
    if found is None:
        raise NotFound(f"requirement {ref!r} not found")
    return found


def diff(
    session: Session, principal: Principal, old_id: uuid.UUID, new_id: uuid.UUID
) -> dict[str, list[dict[str, str]]]:
    """Compare two versions: requirements added, withdrawn (gone or newly withdrawn) and changed (title/text)."""
    get_framework(session, principal, old_id)
    get_framework(session, principal, new_id)
    old = {r.ref: r for r in repo.full_rows(session, old_id)}
    new = {r.ref: r for r in repo.full_rows(session, new_id)}
    added = [_brief(r) for ref, r in new.items() if ref not in old and not r.withdrawn]
    withdrawn = [_brief(old[ref]) for ref in old if (ref not in new or new[ref].withdrawn) and not old[ref].withdrawn]
    changed = [
        {
            **_brief(new[ref]),
            "fields": ", ".join(f for f in ("title", "text") if getattr(old[ref], f) != getattr(new[ref], f)),
        }
        for ref in old
        if ref in new and not new[ref].withdrawn and (old[ref].title, old[ref].text) != (new[ref].title, new[ref].text)
    ]
    return {"added": added, "withdrawn": withdrawn, "changed": changed}


def _brief(r: Requirement) -> dict[str, str]:
    return {"ref": r.ref, "label": r.label, "title": r.title}
