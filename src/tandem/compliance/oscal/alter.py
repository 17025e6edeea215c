"""Apply a profile's `modify` (set-parameters and alters) to resolved controls."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from .errors import OscalError, where
from .model import Control, Link, Param, Part, Prop
from .profile import Addition, Alter, Removal, SetParameter

Item = Part | Prop | Link | Param
T = TypeVar("T")


def set_parameter(param: Param, change: SetParameter) -> Param:
    """Return the parameter with the profile's values, label, selection and extra props applied."""
    return replace(
        param,
        label=change.label or param.label,
        values=param.values if change.values is None else change.values,
        choices=param.choices if change.choices is None else change.choices,
        how_many=change.how_many or param.how_many,
        props=param.props + change.props,
    )


def _matches(item: Item, removal: Removal) -> bool:
    # Every criterion given must hold (OSCAL `remove` semantics); an item lacking the field fails it.
    kind = {Part: "part", Prop: "prop", Link: "link", Param: "param"}[type(item)]
    checks = (
        (removal.by_item_name, kind),
        (removal.by_name, getattr(item, "name", None) if not isinstance(item, Link) else item.rel),
        (removal.by_class, getattr(item, "cls", None)),
        (removal.by_id, getattr(item, "id", None)),
        (removal.by_ns, getattr(item, "ns", None)),
    )
    given = [(want, have) for want, have in checks if want is not None]
    return bool(given) and all(want == have for want, have in given)


def _prune_part(part: Part, removal: Removal) -> Part:
    return replace(
        part,
        props=tuple(p for p in part.props if not _matches(p, removal)),
        parts=tuple(_prune_part(p, removal) for p in part.parts if not _matches(p, removal)),
    )


def remove_items(control: Control, removal: Removal) -> Control:
    """Return the control without the parts, props, links and params a `remove` selects."""
    return replace(
        control,
        params=tuple(p for p in control.params if not _matches(p, removal)),
        props=tuple(p for p in control.props if not _matches(p, removal)),
        links=tuple(x for x in control.links if not _matches(x, removal)),
        parts=tuple(_prune_part(p, removal) for p in control.parts if not _matches(p, removal)),
    )


def _place(existing: tuple[T, ...], new: tuple[T, ...], position: str) -> tuple[T, ...]:
    return new + existing if position in ("starting", "before") else existing + new


def _add_in_parts(parts: tuple[Part, ...], add: Addition) -> tuple[tuple[Part, ...], bool]:
    out: list[Part] = []
    found = False
    for part in parts:
        if part.id == add.by_id:
            found = True
            if add.position == "before":
                out.extend(add.parts)
            if add.position in ("starting", "ending"):
                part = replace(
                    part,
                    parts=_place(part.parts, add.parts, add.position),
                    props=_place(part.props, add.props, add.position),
                )
            out.append(part)
            if add.position == "after":
                out.extend(add.parts)
            continue
        children, hit = _add_in_parts(part.parts, add)
        found = found or hit
        out.append(replace(part, parts=children) if hit else part)
    return tuple(out), found


def add_items(control: Control, add: Addition, location: str) -> Control:
    """Return the control with an `add` applied at the control itself or relative to a part id."""
    if add.by_id is None or add.by_id == control.id:
        return replace(
            control,
            title=add.title or control.title,
            params=_place(control.params, add.params, add.position),
            props=_place(control.props, add.props, add.position),
            links=_place(control.links, add.links, add.position),
            parts=_place(control.parts, add.parts, add.position),
        )
    parts, found = _add_in_parts(control.parts, add)
    if not found:
        raise OscalError(f"alter adds relative to {add.by_id!r}, which is not a part of {control.id!r}", location)
    return replace(control, parts=parts)


def apply_alter(control: Control, alter: Alter, name: str) -> Control:
    """Apply one alter (removals first, then additions) to its control."""
    for removal in alter.removes:
        control = remove_items(control, removal)
    for index, add in enumerate(alter.adds):
        control = add_items(control, add, where(name, f"{alter.path}.adds[{index}].by-id"))
    return control


def apply_set_params(control: Control, changes: dict[str, SetParameter]) -> Control:
    """Apply every matching set-parameters entry to the control's own parameters."""
    if not control.params or not any(p.id in changes for p in control.params):
        return control
    return replace(
        control, params=tuple(set_parameter(p, changes[p.id]) if p.id in changes else p for p in control.params)
    )
