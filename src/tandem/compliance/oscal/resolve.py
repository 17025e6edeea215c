"""Resolve an OSCAL profile against its source catalogs into a resolved-profile catalog."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from .alter import apply_alter, apply_set_params
from .common import OSCAL_VERSION, new_uuid, now_iso
from .errors import OscalError, where
from .model import Catalog, Control, Group, Metadata
from .profile import Alter, Import, Profile, Selection, SetParameter

# The resolver callback receives an import's target (a back-matter rlink href, or a direct href) and
# returns the parsed catalog or profile; Tandem maps NIST's repository-relative paths to shipped files.
Source = Catalog | Profile
Resolver = Callable[[str], Source]


@dataclass(slots=True)
class _Modify:
    set_params: dict[str, SetParameter]
    alters: dict[str, Alter]
    used_params: set[str] = field(default_factory=set)


def resolver_from_files(catalogs: dict[str, Source]) -> Resolver:
    """Return a resolver that matches an href by its file name (`…/NIST_SP-800-53_rev5_catalog.json`)."""

    def resolve(href: str) -> Source:
        base = href.rsplit("/", 1)[-1]
        if base not in catalogs:
            raise KeyError(base)
        return catalogs[base]

    return resolve


def import_target(profile: Profile, imp: Import) -> str:
    """Return what an import points at: a `#uuid` href is replaced by its back-matter rlink (JSON first).

    A `#uuid` naming no back-matter resource is passed on as is (the resolver may know a catalog by that
    uuid); a resource without rlinks is passed on by its title (the resolver may know a catalog so titled).
    """
    location = where(profile.name, f"{imp.path}.href")
    if not imp.href.startswith("#"):
        return imp.href
    resource = profile.resource(imp.href[1:])
    if resource is None:
        return imp.href
    if not resource.rlinks:
        if resource.title:
            return resource.title
        raise OscalError(f"back-matter resource {imp.href[1:]!r} has neither rlinks nor a title", location)
    json_links = [href for href, media in resource.rlinks if media and "json" in media]
    return (json_links or [resource.rlinks[0][0]])[0]


def _load_source(profile: Profile, imp: Import, resolver: Resolver, seen: frozenset[str]) -> Catalog:
    target = import_target(profile, imp)
    location = where(profile.name, f"{imp.path}.href")
    try:
        source = resolver(target)
    except (LookupError, FileNotFoundError) as exc:
        reason = exc.args[0] if exc.args else type(exc).__name__
        raise OscalError(f"cannot resolve import {target!r}: {reason}", location) from None
    if isinstance(source, Profile):
        if source.uuid in seen:
            raise OscalError(f"profile import cycle through {source.uuid}", location)
        return resolve_profile(source, resolver, seen | {profile.uuid})
    return source


def _descendants(control: Control) -> Iterable[str]:
    for child in control.controls:
        yield child.id
        yield from _descendants(child)


def _apply_selection(catalog: Catalog, rule: Selection, target: str, name: str) -> set[str]:
    chosen: set[str] = set()
    for index, control_id in enumerate(rule.with_ids):
        if control_id not in catalog.index:
            raise OscalError(
                f"unknown control id {control_id!r} in {target}", where(name, f"{rule.path}.with-ids[{index}]")
            )
        chosen.add(control_id)
    for pattern in rule.matching:
        chosen.update(cid for cid in catalog.index if fnmatch.fnmatchcase(cid, pattern))
    if rule.with_child_controls:
        for control_id in list(chosen):
            chosen.update(_descendants(catalog.index[control_id]))
    return chosen


def select_ids(catalog: Catalog, imp: Import, target: str, name: str) -> set[str]:
    """Return the ids an import selects: include-all or include-controls, minus exclude-controls."""
    chosen: set[str] = set(catalog.index) if imp.include_all else set()
    for rule in imp.include:
        chosen |= _apply_selection(catalog, rule, target, name)
    for rule in imp.exclude:
        chosen -= _apply_selection(catalog, rule, target, name)
    return chosen


def _with_ancestors(catalog: Catalog, chosen: set[str]) -> set[str]:
    # OSCAL as-is resolution keeps the parent of a selected enhancement so the hierarchy survives; NIST's
    # resolved PRIVACY baseline shows it (ac-3 appears because only ac-3.14 is selected).
    keep = set(chosen)
    for control_id in chosen:
        parent = catalog.index[control_id].parent
        while parent and parent not in keep:
            keep.add(parent)
            parent = catalog.index[parent].parent
    return keep


def _finish(control: Control, children: tuple[Control, ...], modify: _Modify, name: str) -> Control:
    control = replace(control, controls=children)
    if modify.set_params:
        modify.used_params.update(p.id for p in control.params if p.id in modify.set_params)
        control = apply_set_params(control, modify.set_params)
    alter = modify.alters.get(control.id)
    return apply_alter(control, alter, name) if alter else control


def _prune(control: Control, keep: set[str], modify: _Modify, name: str) -> Control | None:
    if control.id not in keep:
        return None
    children = tuple(c for c in (_prune(x, keep, modify, name) for x in control.controls) if c)
    return _finish(control, children, modify, name)


def _prune_group(group: Group, keep: set[str], modify: _Modify, name: str) -> Group | None:
    controls = tuple(c for c in (_prune(x, keep, modify, name) for x in group.controls) if c)
    groups = tuple(g for g in (_prune_group(x, keep, modify, name) for x in group.groups) if g)
    if not controls and not groups:
        return None
    # Resolved catalogs keep a group's id, class and title only, as NIST's resolved baselines do.
    return Group(id=group.id, title=group.title, cls=group.cls, props=group.props, groups=groups, controls=controls)


def _structured(catalog: Catalog, chosen: set[str], modify: _Modify, name: str) -> tuple[list[Group], list[Control]]:
    keep = _with_ancestors(catalog, chosen)
    groups = [g for g in (_prune_group(x, keep, modify, name) for x in catalog.groups) if g]
    loose = [c for c in (_prune(x, keep, modify, name) for x in catalog.controls) if c]
    return groups, loose


def _flat(catalog: Catalog, chosen: set[str], modify: _Modify, name: str) -> list[Control]:
    return [_finish(c, (), modify, name) for c in catalog.all_controls() if c.id in chosen]


def _merge_groups(groups: list[Group]) -> tuple[Group, ...]:
    merged: dict[str | None, Group] = {}
    for group in groups:
        if group.id in merged:
            first = merged[group.id]
            known = {c.id for c in first.controls}
            extra = tuple(c for c in group.controls if c.id not in known)
            merged[group.id] = replace(first, controls=first.controls + extra, groups=first.groups + group.groups)
        else:
            merged[group.id] = group
    return tuple(merged.values())


def _check_modify(profile: Profile, modify: _Modify, selected: set[str]) -> None:
    for control_id, alter in modify.alters.items():
        if control_id not in selected:
            location = where(profile.name, f"{alter.path}.control-id")
            raise OscalError(f"alter targets {control_id!r}, which the profile does not select", location)


def _check_params(profile: Profile, modify: _Modify) -> None:
    for param_id, change in modify.set_params.items():
        if param_id not in modify.used_params:
            location = where(profile.name, f"{change.path}.param-id")
            raise OscalError(f"set-parameters names {param_id!r}, a parameter of no selected control", location)


def resolve_profile(profile: Profile, resolver: Resolver, seen: frozenset[str] = frozenset()) -> Catalog:
    """Resolve a profile into a catalog: select, structure (as-is or flat) and modify its controls."""
    if profile.merge == "custom":
        raise OscalError("merge 'custom' is not supported; use as-is or flat", where(profile.name, "$.profile.merge"))
    modify = _Modify({s.param_id: s for s in profile.set_params}, {a.control_id: a for a in profile.alters})
    groups: list[Group] = []
    controls: list[Control] = []
    selected: set[str] = set()
    for imp in profile.imports:
        source = _load_source(profile, imp, resolver, seen | {profile.uuid})
        chosen = select_ids(source, imp, import_target(profile, imp), profile.name) - selected
        selected |= chosen
        if profile.merge == "as-is":
            more_groups, loose = _structured(source, chosen, modify, profile.name)
            groups.extend(more_groups)
            controls.extend(loose)
        else:
            controls.extend(_flat(source, chosen, modify, profile.name))
    _check_modify(profile, modify, selected)
    _check_params(profile, modify)
    return _resolved_catalog(profile, _merge_groups(groups), tuple(controls))


def _resolved_catalog(profile: Profile, groups: tuple[Group, ...], controls: tuple[Control, ...]) -> Catalog:
    meta = profile.metadata
    metadata = Metadata(title=meta.title, version=meta.version, oscal_version=OSCAL_VERSION, last_modified=now_iso())
    return Catalog(uuid=new_uuid(), metadata=metadata, groups=groups, controls=controls)


def resolved_ids(catalog: Catalog) -> list[str]:
    """Return every control and enhancement id of a (resolved) catalog in document order."""
    return [c.id for c in catalog.all_controls()]
