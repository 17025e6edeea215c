"""The documented import/export columns of every kind, derived from its create schema."""

from __future__ import annotations

import typing
from functools import cache

from tandem.inventory.importers.tabular import Column
from tandem.inventory.kinds import KINDS, Kind

MONEY = ("run_cost", "change_cost")
SKIP = {"org_unit_id", "source"}
REF_KEY = {"person": "email"}  # people are named by e-mail in files; other kinds by their label


def _is(annotation: object, wanted: type) -> bool:
    if annotation is wanted:
        return True
    return any(_is(arg, wanted) for arg in typing.get_args(annotation)) or typing.get_origin(annotation) is wanted


@cache
def columns_for(plural: str) -> list[Column]:
    """Return the columns a file of this kind may have (a header row names them)."""
    kind = KINDS[plural]
    if kind.entity == "relation":
        return [
            Column("type", "type", help="relation type, e.g. runs_on"),
            Column("from", "source", "ref", help="kind:name of the source, e.g. application:EHR"),
            Column("to", "target", "ref", help="kind:name of the target, e.g. asset:db01"),
            Column("notes", "notes"),
            Column("org_unit", "org_unit_id", "unit", help="org unit name (default: the import's unit)"),
        ]
    cols = []
    for name, info in kind.create.model_fields.items():
        if name in SKIP:
            continue
        if name in kind.refs:
            entity = kind.refs[name]
            cols.append(
                Column(
                    name.removesuffix("_id"),
                    name,
                    "ref",
                    entity,
                    f"{entity.replace('_', ' ')} {REF_KEY.get(entity, _label(entity))}",
                )
            )
        elif name in MONEY:
            cols.append(Column(f"{name}_amount", name, "money_amount", help="decimal amount"))
            cols.append(Column(f"{name}_currency", name, "money_currency", help="ISO 4217 code"))
        elif _is(info.annotation, list):
            cols.append(Column(name, name, "list", help="values separated by ';' (a JSON array in JSON files)"))
        elif _is(info.annotation, bool):
            cols.append(Column(name, name, "bool", help="true or false"))
        else:
            cols.append(Column(name, name))
    cols.append(Column("org_unit", "org_unit_id", "unit", help="org unit name (default: the import's unit)"))
    return cols


def _label(entity: str) -> str:
    from tandem.inventory.kinds import ENTITIES

    return ENTITIES[entity].label


def key_description(kind: Kind) -> str:
    """Say which columns identify an existing record (the upsert key)."""
    names = [c.removesuffix("_id") for c in kind.key]
    return ", ".join(names) + " within the org unit"
