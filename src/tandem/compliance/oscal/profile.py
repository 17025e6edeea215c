"""Parse OSCAL profiles (baselines and tailorings) into plain dataclasses; resolution is in resolve.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .catalog import JSON, back_matter_from, links_from, load_json, metadata_from, param_from, part_from, props_from
from .errors import OscalError
from .model import Link, Metadata, Param, Part, Prop, Resource

MERGE_MODES = ("as-is", "flat", "custom")


@dataclass(slots=True)
class Selection:
    """An include/exclude rule: explicit ids and/or glob patterns, optionally with child controls."""

    path: str
    with_ids: tuple[str, ...] = ()
    matching: tuple[str, ...] = ()
    with_child_controls: bool = False


@dataclass(slots=True)
class Import:
    """One profile import: a catalog or profile reference and what to take from it."""

    path: str
    href: str
    include_all: bool = False
    include: tuple[Selection, ...] = ()
    exclude: tuple[Selection, ...] = ()


@dataclass(slots=True)
class SetParameter:
    """A set-parameters entry: new values, label or selection for one parameter id."""

    path: str
    param_id: str
    label: str | None = None
    values: tuple[str, ...] | None = None
    choices: tuple[str, ...] | None = None
    how_many: str | None = None
    props: tuple[Prop, ...] = ()


@dataclass(slots=True)
class Removal:
    """An alter `remove`: drops parts, props, links or params matching every given criterion."""

    by_name: str | None = None
    by_class: str | None = None
    by_id: str | None = None
    by_item_name: str | None = None
    by_ns: str | None = None


@dataclass(slots=True)
class Addition:
    """An alter `add`: new parts, props, params or links at a position (relative to by_id if given)."""

    position: str = "ending"
    by_id: str | None = None
    title: str | None = None
    parts: tuple[Part, ...] = ()
    props: tuple[Prop, ...] = ()
    params: tuple[Param, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(slots=True)
class Alter:
    """The removals and additions a profile makes to one control."""

    path: str
    control_id: str
    removes: tuple[Removal, ...] = ()
    adds: tuple[Addition, ...] = ()


@dataclass(slots=True)
class Profile:
    """A parsed OSCAL profile."""

    uuid: str
    metadata: Metadata
    imports: tuple[Import, ...]
    merge: str = "flat"
    combine: str = "use-first"
    set_params: tuple[SetParameter, ...] = ()
    alters: tuple[Alter, ...] = ()
    back_matter: tuple[Resource, ...] = ()
    name: str = "profile.json"

    def resource(self, uuid: str) -> Resource | None:
        """Return the back-matter resource with this uuid, if present."""
        return next((r for r in self.back_matter if r.uuid == uuid), None)


def parse_profile(data: bytes, name: str = "profile.json") -> Profile:
    """Parse an OSCAL profile JSON document into a Profile."""
    return profile_from_dict(load_json(data, name), name)


def profile_from_dict(doc: JSON, name: str = "profile.json") -> Profile:
    """Build a Profile from an already decoded OSCAL profile document."""
    body = doc.get("profile")
    if not isinstance(body, dict):
        raise OscalError("not an OSCAL profile: no top-level 'profile' object", name)
    try:
        modify = body.get("modify") or {}
        merge = body.get("merge") or {}
        return Profile(
            uuid=body["uuid"],
            metadata=metadata_from(body["metadata"]),
            imports=tuple(_import(raw, f"$.profile.imports[{i}]") for i, raw in enumerate(body["imports"])),
            merge=_merge_mode(merge),
            combine=(merge.get("combine") or {}).get("method", "use-first"),
            set_params=tuple(
                _set_param(raw, f"$.profile.modify.set-parameters[{i}]")
                for i, raw in enumerate(modify.get("set-parameters", ()))
            ),
            alters=tuple(
                _alter(raw, f"$.profile.modify.alters[{i}]") for i, raw in enumerate(modify.get("alters", ()))
            ),
            back_matter=back_matter_from(body.get("back-matter")),
            name=name,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise OscalError(f"malformed profile ({type(exc).__name__}: {exc}); validate it for details", name) from None


def _merge_mode(merge: JSON) -> str:
    # OSCAL: with no structuring directive the resolved catalog is unstructured ("flat").
    if merge.get("as-is"):
        return "as-is"
    if "custom" in merge:
        return "custom"
    return "flat"


def _selection(raw: JSON, path: str) -> Selection:
    return Selection(
        path=path,
        with_ids=tuple(raw.get("with-ids", ())),
        matching=tuple(m["pattern"] for m in raw.get("matching", ())),
        with_child_controls=raw.get("with-child-controls") == "yes",
    )


def _import(raw: JSON, path: str) -> Import:
    return Import(
        path=path,
        href=raw["href"],
        include_all="include-all" in raw,
        include=tuple(
            _selection(s, f"{path}.include-controls[{i}]") for i, s in enumerate(raw.get("include-controls", ()))
        ),
        exclude=tuple(
            _selection(s, f"{path}.exclude-controls[{i}]") for i, s in enumerate(raw.get("exclude-controls", ()))
        ),
    )


def _set_param(raw: JSON, path: str) -> SetParameter:
    select = raw.get("select")
    return SetParameter(
        path=path,
        param_id=raw["param-id"],
        label=raw.get("label"),
        values=tuple(raw["values"]) if "values" in raw else None,
        choices=tuple(select.get("choice", ())) if select else None,
        how_many=select.get("how-many") if select else None,
        props=props_from(raw.get("props")),
    )


def _alter(raw: JSON, path: str) -> Alter:
    return Alter(
        path=path,
        control_id=raw["control-id"],
        removes=tuple(_removal(r) for r in raw.get("removes", ())),
        adds=tuple(_addition(a) for a in raw.get("adds", ())),
    )


def _removal(raw: JSON) -> Removal:
    return Removal(
        by_name=raw.get("by-name"),
        by_class=raw.get("by-class"),
        by_id=raw.get("by-id"),
        by_item_name=raw.get("by-item-name"),
        by_ns=raw.get("by-ns"),
    )


def _addition(raw: dict[str, Any]) -> Addition:
    return Addition(
        position=raw.get("position", "ending"),
        by_id=raw.get("by-id"),
        title=raw.get("title"),
        parts=tuple(part_from(p) for p in raw.get("parts", ())),
        props=props_from(raw.get("props")),
        params=tuple(param_from(p) for p in raw.get("params", ())),
        links=links_from(raw.get("links")),
    )
