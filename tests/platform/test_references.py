"""The cross-domain reference registry: resolvers, related-record providers, choices, and the lazy load."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tandem.platform import lazy
from tandem.platform.references import (
    Ref,
    choices,
    register_choices,
    register_related,
    register_resolver,
    related,
    resolve,
    resolver_kinds,
)

KNOWN = uuid.uuid4()


def _resolver(session: Any, principal: Any, record_id: uuid.UUID) -> Ref | None:
    if record_id != KNOWN or principal == "outsider":
        return None
    return Ref("Known", f"/test/things/{record_id}", "detail")


def test_resolve_returns_the_ref_or_none_and_refuses_unknown_kinds() -> None:
    kind = f"test.thing_{uuid.uuid4().hex[:6]}"
    register_resolver(kind, _resolver)
    register_resolver(kind, _resolver)  # the same function again (a module re-imported) is fine
    assert resolve(None, "insider", kind, KNOWN) == Ref("Known", f"/test/things/{KNOWN}", "detail")
    assert resolve(None, "outsider", kind, KNOWN) is None
    assert resolve(None, "insider", kind, uuid.uuid4()) is None
    assert kind in resolver_kinds()
    with pytest.raises(ValueError, match="already registered"):
        register_resolver(kind, lambda s, p, i: None)
    with pytest.raises(KeyError, match="no resolver"):
        resolve(None, "insider", f"test.missing_{uuid.uuid4().hex[:6]}", KNOWN)


def test_related_gathers_every_provider_in_order() -> None:
    target = f"test_target_{uuid.uuid4().hex[:6]}"
    assert related(None, None, target, KNOWN) == []

    def first(session: Any, principal: Any, object_id: uuid.UUID) -> list[Ref]:
        return [Ref(f"a-{object_id}", "/a")]

    def second(session: Any, principal: Any, object_id: uuid.UUID) -> list[Ref]:
        return [] if principal == "outsider" else [Ref("b", "/b", "x")]

    register_related(target, first)
    register_related(target, second)
    register_related(target, first)  # registered once
    assert [r.label for r in related(None, "insider", target, KNOWN)] == [f"a-{KNOWN}", "b"]
    assert [r.label for r in related(None, "outsider", target, KNOWN)] == [f"a-{KNOWN}"]


def test_choices_are_the_providers_pairs_or_empty() -> None:
    kind = f"test.pick_{uuid.uuid4().hex[:6]}"
    assert choices(None, None, kind) == []
    register_choices(kind, lambda session, principal: [("1", f"one for {principal}")])
    assert choices(None, "me", kind) == [("1", "one for me")]
    with pytest.raises(ValueError, match="already registered"):
        register_choices(kind, lambda session, principal: [])


def test_lookups_load_deferred_domains_first() -> None:
    kind = f"test.late_{uuid.uuid4().hex[:6]}"
    lazy.defer(lambda: register_resolver(kind, _resolver))
    assert resolve(None, "insider", kind, KNOWN) is not None
    target = f"test_late_target_{uuid.uuid4().hex[:6]}"
    lazy.defer(lambda: register_related(target, lambda s, p, i: [Ref("late", "/late")]))
    assert related(None, None, target, KNOWN) == [Ref("late", "/late")]


def test_the_risk_domain_registers_its_links() -> None:
    assert "risk.scenario" in resolver_kinds()
