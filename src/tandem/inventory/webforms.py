"""Form fields for inventory records, derived from the create schemas; form data back to input dicts."""

from __future__ import annotations

import typing
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tandem.inventory import repository as repo
from tandem.inventory.columns import MONEY
from tandem.inventory.kinds import ENTITIES, Kind
from tandem.inventory.relation_types import relation_types
from tandem.platform.auth import fields
from tandem.platform.auth.principal import Principal
from tandem.platform.web.render import field_label


@dataclass
class FormField:
    """One input on a record form."""

    name: str
    label: str
    widget: str  # text | select | checkbox | textarea | money | date
    options: list[tuple[str, str]]
    value: Any = ""
    help: str = ""


# What to type where the format is not obvious from the label.
HELP = {"declared_services": "port/transport, optional name, tls or plain; e.g. 443/tcp https tls; 22/tcp ssh; "
        "53/udp dns"}  # fmt: skip


def _literal_options(annotation: Any) -> list[str] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return [str(v) for v in typing.get_args(arg)]
    return None


def _has(annotation: Any, wanted: type) -> bool:
    return (
        annotation is wanted
        or any(_has(a, wanted) for a in typing.get_args(annotation))
        or (typing.get_origin(annotation) is wanted)
    )


def locked_fields(session: Session, principal: Principal, kind: Kind, org_unit_id: uuid.UUID | None) -> frozenset[str]:
    """Return the restricted fields principal may not change on a record of the unit (None: of any unit)."""
    access = fields.access(session, principal, f"inventory.{kind.entity}")
    return frozenset(access.unwritable(org_unit_id))


def form_fields(
    session: Session, principal: Principal, kind: Kind, values: dict[str, Any], org_unit_id: uuid.UUID | None = None
) -> list[FormField]:
    """Return the inputs of kind's form, prefilled from values; restricted fields read-only or left out."""
    access = fields.access(session, principal, f"inventory.{kind.entity}")
    hidden, locked = access.hidden(org_unit_id), access.unwritable(org_unit_id)
    out = []
    for name, info in kind.create.model_fields.items():
        if name == "source" or name in hidden:
            continue
        value = values.get(name)
        if name in locked:
            help_text = f"changing it needs {locked[name]}"
            out.append(FormField(name, field_label(name), "readonly", [], value, help_text))
        else:
            out.append(_input(session, principal, kind, name, info, value))
    return out


def _input(session: Session, principal: Principal, kind: Kind, name: str, info: Any, value: Any) -> FormField:
    """Return the input for one field, its widget chosen from the field's type."""
    label = field_label(name)
    if name == "org_unit_id":
        units = sorted(((str(i), n) for i, n in repo.unit_names(session)), key=lambda x: x[1])
        return FormField(name, "Org unit", "select", units, value)
    if name in kind.refs:
        return FormField(name, label, "select", [("", "—"), *_choices(session, principal, kind.refs[name])], value)
    if name in MONEY:
        return FormField(name, label, "money", [], value or {})
    if name in ("type",) and kind.entity == "relation":
        return FormField(name, "Type", "select", [(r.name, r.label) for r in relation_types()], value)
    if name in ("source_kind", "target_kind"):
        return FormField(name, label, "select", [(e, e.replace("_", " ")) for e in ENTITIES], value)
    if (options := _literal_options(info.annotation)) is not None:
        blank = [("", "—")] if not info.is_required() and info.default is None else []
        return FormField(name, label, "select", blank + [(o, o) for o in options], value)
    if _has(info.annotation, bool):
        return FormField(name, label, "checkbox", [], value)
    if _has(info.annotation, list):
        return FormField(name, label + " (separate with ;)", "text", [], ";".join(value or []), HELP.get(name, ""))
    if name in ("description", "time_rationale", "services", "notes"):
        return FormField(name, label, "textarea", [], value)
    widget = "date" if name.endswith("_date") else "text"
    return FormField(name, label, widget, [], "" if value is None else value)


def _choices(session: Session, principal: Principal, entity: str) -> list[tuple[str, str]]:
    kind = ENTITIES[entity]
    rows = repo.label_index(session, principal, kind, kind.label)[:500]
    return sorted(((str(r[0]), str(r[2])) for r in rows), key=lambda x: x[1].lower())


def read_form(kind: Kind, form: FormData, partial: bool, locked: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Turn submitted fields into an input dict (empty = not given on create, cleared on edit).

    A locked field (one the user may not change) is not on the form: it is read only if the post carries it
    anyway, so that a forged value reaches the service and is refused there, by name.
    """
    data: dict[str, Any] = {}
    for name, info in kind.create.model_fields.items():
        if name == "source":
            continue
        if name in MONEY:
            amount, currency = _text(form, f"{name}_amount"), _text(form, f"{name}_currency")
            if name in locked and not (amount or currency):
                continue
            if amount or (name in locked and currency):
                data[name] = {"amount": amount or "0", "currency": currency}
            elif partial:
                data[name] = None  # no amount: no cost (the prefilled currency alone does not make one)
            continue
        if _has(info.annotation, bool) and _literal_options(info.annotation) is None:
            data[name] = form.get(name) == "on"
            continue
        raw = _text(form, name)
        if _has(info.annotation, list):
            data[name] = [p.strip() for p in raw.split(";") if p.strip()]
        elif raw:
            data[name] = raw
        elif partial:
            data[name] = "" if info.default == "" else None
    return data


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip()[:20_000] if isinstance(value, str) else ""


def parse_uuid(raw: str) -> uuid.UUID | None:
    """Return raw as a UUID, or None."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None
