"""Parse OSCAL catalogs (JSON) into plain dataclasses, quickly enough to load 800-53 on every import."""

from __future__ import annotations

from typing import Any

import orjson

from tandem.platform.safety.gcpause import gc_paused

from .errors import OscalError, where
from .model import Catalog, Control, Group, Link, Metadata, Param, Part, Prop, Resource

JSON = dict[str, Any]


def load_json(data: bytes, name: str) -> JSON:
    """Decode a JSON document with orjson, turning syntax errors into a located OscalError."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise OscalError(f"invalid JSON: {exc.msg}", f"{name}:{exc.lineno}:{exc.colno}") from None
    if not isinstance(doc, dict):
        raise OscalError("an OSCAL document must be a JSON object", name)
    return doc


def parse_catalog(data: bytes, name: str = "catalog.json") -> Catalog:
    """Parse an OSCAL catalog JSON document (1.0.x-1.2.x) into a Catalog."""
    with gc_paused():
        return catalog_from_dict(load_json(data, name), name)


def catalog_from_dict(doc: JSON, name: str = "catalog.json") -> Catalog:
    """Build a Catalog from an already decoded OSCAL catalog document."""
    body = doc.get("catalog")
    if not isinstance(body, dict):
        raise OscalError("not an OSCAL catalog: no top-level 'catalog' object", name)
    try:
        return Catalog(
            uuid=body["uuid"],
            metadata=metadata_from(body["metadata"]),
            groups=tuple(_group(g) for g in body.get("groups", ())),
            controls=tuple(_control(c, None, None) for c in body.get("controls", ())),
            back_matter=back_matter_from(body.get("back-matter")),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        # The schema validator gives the exact path; the fast parser only says what was missing.
        raise OscalError(f"malformed catalog ({type(exc).__name__}: {exc}); validate it for details", name) from None


def metadata_from(meta: JSON) -> Metadata:
    """Keep the metadata fields Tandem shows and versions content by."""
    return Metadata(
        title=str(meta["title"]),
        version=str(meta["version"]),
        oscal_version=str(meta["oscal-version"]),
        last_modified=str(meta["last-modified"]),
        published=meta.get("published"),
    )


def back_matter_from(back: JSON | None) -> tuple[Resource, ...]:
    """Read back-matter resources with their rlinks (needed to resolve profile imports)."""
    if not back:
        return ()
    return tuple(
        Resource(
            uuid=r["uuid"],
            title=r.get("title"),
            rlinks=tuple((link["href"], link.get("media-type")) for link in r.get("rlinks", ())),
        )
        for r in back.get("resources", ())
    )


def props_from(raw: list[JSON] | None) -> tuple[Prop, ...]:
    """Convert OSCAL props to Prop tuples."""
    if not raw:
        return ()
    return tuple(Prop(p["name"], p["value"], p.get("ns"), p.get("class")) for p in raw)


def links_from(raw: list[JSON] | None) -> tuple[Link, ...]:
    """Convert OSCAL links to Link tuples."""
    if not raw:
        return ()
    return tuple(Link(x["href"], x.get("rel"), x.get("text")) for x in raw)


def part_from(raw: JSON) -> Part:
    """Convert one OSCAL part (and its nested parts) to a Part."""
    sub = raw.get("parts")
    return Part(
        name=raw["name"],
        id=raw.get("id"),
        title=raw.get("title"),
        prose=raw.get("prose", ""),
        parts=tuple(part_from(p) for p in sub) if sub else (),
        props=props_from(raw.get("props")),
        cls=raw.get("class"),
        ns=raw.get("ns"),
    )


def param_from(raw: JSON) -> Param:
    """Convert one OSCAL parameter to a Param (assignment or selection)."""
    select = raw.get("select")
    guidelines = raw.get("guidelines")
    return Param(
        id=raw["id"],
        label=raw.get("label"),
        values=tuple(raw.get("values", ())),
        choices=tuple(select.get("choice", ())) if select else (),
        how_many=select.get("how-many") if select else None,
        guidelines="\n".join(g["prose"] for g in guidelines) if guidelines else "",
        props=props_from(raw.get("props")),
    )


def _control(raw: JSON, parent: str | None, group: str | None) -> Control:
    control_id = raw["id"]
    params = raw.get("params")
    parts = raw.get("parts")
    children = raw.get("controls")
    return Control(
        id=control_id,
        title=raw["title"],
        cls=raw.get("class"),
        parent=parent,
        group=group,
        params=tuple(param_from(p) for p in params) if params else (),
        props=props_from(raw.get("props")),
        links=links_from(raw.get("links")),
        parts=tuple(part_from(p) for p in parts) if parts else (),
        controls=tuple(_control(c, control_id, group) for c in children) if children else (),
    )


def _group(raw: JSON) -> Group:
    group_id = raw.get("id")
    return Group(
        id=group_id,
        title=raw["title"],
        cls=raw.get("class"),
        props=props_from(raw.get("props")),
        parts=tuple(part_from(p) for p in raw.get("parts", ())),
        groups=tuple(_group(g) for g in raw.get("groups", ())),
        controls=tuple(_control(c, None, group_id) for c in raw.get("controls", ())),
    )


def locate_control(catalog: Catalog, control_id: str, name: str) -> Control:
    """Return a control by id or raise a located OscalError naming the catalog."""
    control = catalog.get(control_id)
    if control is None:
        raise OscalError(f"unknown control id {control_id!r}", where(name, control_id))
    return control
