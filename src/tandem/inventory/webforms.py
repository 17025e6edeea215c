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


def form_fields(session: Session, principal: Principal, kind: Kind, values: dict[str, Any]) -> list[FormField]:
    """Return the inputs of kind's form, prefilled from values."""
    out = []
    for name, info in kind.create.model_fields.items():
        if name == "source":
            continue
        label = field_label(name)
        value = values.get(name)
        if name == "org_unit_id":
            units = sorted(((str(i), n) for i, n in repo.unit_names(session)), key=lambda x: x[1])
            out.append(FormField(name, "Org unit", "select", units, value))
        elif name in kind.refs:
            out.append(
                FormField(name, label, "select", [("", "—"), *_choices(session, principal, kind.refs[name])], value)
            )
        elif name in MONEY:
            out.append(FormField(name, label, "money", [], value or {}))
        elif name in ("type",) and kind.entity == "relation":
            out.append(FormField(name, "Type", "select", [(r.name, r.label) for r in relation_types()], value))
        elif name in ("source_kind", "target_kind"):
            out.append(FormField(name, label, "select", [(e, e.replace("_", " ")) for e in ENTITIES], value))
        elif (options := _literal_options(info.annotation)) is not None:
            blank = [("", "—")] if not info.is_required() and info.default is None else []
            out.append(FormField(name, label, "select", blank + [(o, o) for o in options], value))
        elif _has(info.annotation, bool):
            out.append(FormField(name, label, "checkbox", [], value))
        elif _has(info.annotation, list):
            out.append(
                FormField(name, label + " (separate with ;)", "text", [], ";".join(value or []), HELP.get(name, ""))
            )
        elif name in ("description", "time_rationale", "services", "notes"):
            out.append(FormField(name, label, "textarea", [], value))
        else:
            widget = "date" if name.endswith("_date") else "text"
            out.append(FormField(name, label, widget, [], "" if value is None else value))
    return out


def _choices(session: Session, principal: Principal, entity: str) -> list[tuple[str, str]]:
    kind = ENTITIES[entity]
    rows = repo.label_index(session, principal, kind, kind.label)[:500]
    return sorted(((str(r[0]), str(r[2])) for r in rows), key=lambda x: x[1].lower())


def read_form(kind: Kind, form: FormData, partial: bool) -> dict[str, Any]:
    """Turn submitted fields into an input dict (empty = not given on create, cleared on edit)."""
    data: dict[str, Any] = {}
    for name, info in kind.create.model_fields.items():
        if name == "source":
            continue
        if name in MONEY:
            amount, currency = _text(form, f"{name}_amount"), _text(form, f"{name}_currency")
            if amount or currency:
                data[name] = {"amount": amount or "0", "currency": currency}
            elif partial:
                data[name] = None
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
