"""Plain dataclasses for OSCAL catalog content: groups, controls, parameters, parts, properties and links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# Plain (not frozen) slotted dataclasses: the 800-53 catalog makes ~35,000 of them and frozen ones
# cost an object.__setattr__ call per field, which doubles load time for no safety we rely on.

_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")


@dataclass(slots=True)
class Prop:
    """A name/value property, optionally namespaced and classed."""

    name: str
    value: str
    ns: str | None = None
    cls: str | None = None


@dataclass(slots=True)
class Link:
    """A link from a control to a resource (`#uuid`) or another control (`#ac-2`)."""

    href: str
    rel: str | None = None
    text: str | None = None


@dataclass(slots=True)
class Param:
    """A control parameter: an assignment (label, guidelines) or a selection (choices)."""

    id: str
    label: str | None = None
    values: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    how_many: str | None = None
    guidelines: str = ""
    props: tuple[Prop, ...] = ()

    def placeholder(self) -> str:
        """Render the parameter as 800-53 prints it when no value is set."""
        if self.values:
            return ", ".join(self.values)
        if self.choices:
            prefix = "Selection (one or more)" if self.how_many == "one-or-more" else "Selection"
            return f"[{prefix}: {'; '.join(self.choices)}]"
        return f"[Assignment: {self.label or self.id}]"


@dataclass(slots=True)
class Part:
    """A part of a control (statement, guidance, objective, example …), possibly nested."""

    name: str
    id: str | None = None
    title: str | None = None
    prose: str = ""
    parts: tuple[Part, ...] = ()
    props: tuple[Prop, ...] = ()
    cls: str | None = None
    ns: str | None = None

    def text(self) -> str:
        """Return this part's prose and all nested prose as plain text, one line per part."""
        return "\n".join(_part_lines(self, 0))


def _part_lines(part: Part, depth: int) -> Iterator[str]:
    label = next((p.value for p in part.props if p.name == "label"), "")
    if part.prose or label:
        yield "  " * depth + " ".join(x for x in (label, part.prose) if x)
    for child in part.parts:
        yield from _part_lines(child, depth + 1 if (part.prose or label) else depth)


@dataclass(slots=True)
class Control:
    """A control or control enhancement; `parent` is the enclosing control id for enhancements."""

    id: str
    title: str
    cls: str | None = None
    parent: str | None = None
    group: str | None = None
    params: tuple[Param, ...] = ()
    props: tuple[Prop, ...] = ()
    links: tuple[Link, ...] = ()
    parts: tuple[Part, ...] = ()
    controls: tuple[Control, ...] = ()

    def prop(self, name: str) -> str | None:
        """Return the value of the first property with this name, if any."""
        return next((p.value for p in self.props if p.name == name), None)

    @property
    def withdrawn(self) -> bool:
        """Tell whether the control is marked `status: withdrawn`."""
        return any(p.name == "status" and p.value == "withdrawn" for p in self.props)

    @property
    def label(self) -> str:
        """Return the display label (e.g. `AC-2(1)`), falling back to the id."""
        labels = [p for p in self.props if p.name == "label"]
        plain = next((p.value for p in labels if p.cls is None), None)
        return plain or (labels[0].value if labels else self.id)

    def part_text(self, name: str) -> str:
        """Return the flattened text of the top-level parts with this name (e.g. statement, guidance)."""
        return "\n".join(p.text() for p in self.parts if p.name == name)

    @property
    def statement(self) -> str:
        """Return the statement prose flattened to text with parameters rendered."""
        return render_params(self.part_text("statement"), self.params)

    @property
    def guidance(self) -> str:
        """Return the guidance prose flattened to text."""
        return self.part_text("guidance")


def render_params(text: str, params: tuple[Param, ...]) -> str:
    """Replace `{{ insert: param, id }}` markers with set values or 800-53 style placeholders."""
    if "{{" not in text:
        return text
    by_id = {p.id: p for p in params}

    def swap(match: re.Match[str]) -> str:
        param = by_id.get(match.group(1))
        return param.placeholder() if param else f"[{match.group(1)}]"

    return _INSERT.sub(swap, text)


@dataclass(slots=True)
class Group:
    """A group of controls (an 800-53 family, a CSF function); groups may nest."""

    id: str | None
    title: str
    cls: str | None = None
    props: tuple[Prop, ...] = ()
    parts: tuple[Part, ...] = ()
    groups: tuple[Group, ...] = ()
    controls: tuple[Control, ...] = ()


@dataclass(slots=True)
class Resource:
    """A back-matter resource; `rlinks` are (href, media type) pairs."""

    uuid: str
    title: str | None = None
    rlinks: tuple[tuple[str, str | None], ...] = ()


@dataclass(slots=True)
class Metadata:
    """The metadata fields Tandem keeps from an OSCAL document."""

    title: str
    version: str
    oscal_version: str
    last_modified: str
    published: str | None = None


@dataclass(slots=True)
class Catalog:
    """A parsed (or resolved) OSCAL catalog with an id → control index."""

    uuid: str
    metadata: Metadata
    groups: tuple[Group, ...] = ()
    controls: tuple[Control, ...] = ()
    back_matter: tuple[Resource, ...] = ()
    index: dict[str, Control] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.index:
            self.index = {c.id: c for c in self.all_controls()}

    def all_controls(self) -> Iterator[Control]:
        """Yield every control and enhancement, depth first in document order."""
        stack: list[Control] = []
        for group in self.all_groups():
            stack.extend(reversed(group.controls))
            yield from _drain(stack)
        stack.extend(reversed(self.controls))
        yield from _drain(stack)

    def all_groups(self) -> Iterator[Group]:
        """Yield every group, depth first in document order."""
        stack = list(reversed(self.groups))
        while stack:
            group = stack.pop()
            yield group
            stack.extend(reversed(group.groups))

    def get(self, control_id: str) -> Control | None:
        """Return the control or enhancement with this id, if present."""
        return self.index.get(control_id)

    def resource(self, uuid: str) -> Resource | None:
        """Return the back-matter resource with this uuid, if present."""
        return next((r for r in self.back_matter if r.uuid == uuid), None)


def _drain(stack: list[Control]) -> Iterator[Control]:
    while stack:
        control = stack.pop()
        yield control
        stack.extend(reversed(control.controls))
