"""Cross-domain references: a lower domain links to a higher domain's records without importing it.

A higher domain registers, from its manifest, how to resolve one of its records by id (`register_resolver`), which
of its records relate to an object of another kind (`register_related`), and which records may be picked for a link
(`register_choices`). A lower domain calls `resolve`, `related` and `choices` with the caller's principal, so what
it shows and accepts is what that principal may see."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tandem.platform.lazy import ensure_all_loaded


@dataclass(frozen=True)
class Ref:
    """A record of another domain as a link: what to show, where it lives, and a short detail."""

    label: str
    url: str
    detail: str = ""


Resolver = Callable[[Any, Any, uuid.UUID], Ref | None]
Related = Callable[[Any, Any, uuid.UUID], list[Ref]]
Choices = Callable[[Any, Any], list[tuple[str, str]]]

_resolvers: dict[str, Resolver] = {}
_related: dict[str, list[Related]] = {}
_choices: dict[str, Choices] = {}


def register_resolver(kind: str, fn: Resolver) -> None:
    """Register how to resolve an id of `kind` (fn returns None when the record is unknown or not visible)."""
    existing = _resolvers.get(kind)
    if existing is not None and existing is not fn:
        raise ValueError(f"a resolver for {kind!r} is already registered")
    _resolvers[kind] = fn


def register_related(target_kind: str, fn: Related) -> None:
    """Register a provider of the records that relate to an object of `target_kind`."""
    providers = _related.setdefault(target_kind, [])
    if fn not in providers:
        providers.append(fn)


def register_choices(kind: str, fn: Choices) -> None:
    """Register the provider of the (id, label) pairs a principal may link to as `kind`."""
    existing = _choices.get(kind)
    if existing is not None and existing is not fn:
        raise ValueError(f"choices for {kind!r} are already registered")
    _choices[kind] = fn


def resolve(session: Any, principal: Any, kind: str, record_id: uuid.UUID) -> Ref | None:
    """Return the link to record `record_id` of `kind`, or None when it is unknown or not visible to principal."""
    ensure_all_loaded()
    try:
        fn = _resolvers[kind]
    except KeyError:
        raise KeyError(f"no resolver for {kind!r} is registered") from None
    return fn(session, principal, record_id)


def related(session: Any, principal: Any, target_kind: str, object_id: uuid.UUID) -> list[Ref]:
    """Return every provider's records related to the object (only what principal may see)."""
    ensure_all_loaded()
    out: list[Ref] = []
    for fn in _related.get(target_kind, ()):
        out.extend(fn(session, principal, object_id))
    return out


def choices(session: Any, principal: Any, kind: str) -> list[tuple[str, str]]:
    """Return the (id, label) pairs of `kind` principal may link to (empty when no domain provides them)."""
    ensure_all_loaded()
    fn = _choices.get(kind)
    return fn(session, principal) if fn is not None else []


def resolver_kinds() -> list[str]:
    """Return the kinds that have a resolver."""
    ensure_all_loaded()
    return sorted(_resolvers)
