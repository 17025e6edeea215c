"""Build OSCAL component-definition documents: what a product, service or policy implements per control."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .common import JSON, drop_empty, metadata, new_uuid

ComponentType = Literal["software", "hardware", "service", "policy", "process", "procedure", "plan", "guidance"]


@dataclass(frozen=True, slots=True)
class Implementation:
    """How a component implements one control."""

    control_id: str
    description: str


@dataclass(frozen=True, slots=True)
class Component:
    """A component and the controls of one catalog or profile (`source_href`) it implements."""

    title: str
    description: str
    source_href: str
    implementations: tuple[Implementation, ...]
    type: ComponentType = "software"
    purpose: str | None = None


def _component(component: Component) -> JSON:
    implementations = [
        {"uuid": new_uuid(), "control-id": i.control_id, "description": i.description}
        for i in component.implementations
    ]
    control_implementations = []
    if implementations:
        control_implementations.append(
            {
                "uuid": new_uuid(),
                "source": component.source_href,
                "description": f"Controls implemented by {component.title}",
                "implemented-requirements": implementations,
            }
        )
    return drop_empty(
        {
            "uuid": new_uuid(),
            "type": component.type,
            "title": component.title,
            "description": component.description,
            "purpose": component.purpose,
            "control-implementations": control_implementations,
        }
    )


def build_component_definition(title: str, components: list[Component], version: str = "1.0") -> JSON:
    """Build an OSCAL 1.2.3 component-definition document."""
    body = drop_empty(
        {
            "uuid": new_uuid(),
            "metadata": metadata(title, version),
            "components": [_component(c) for c in components],
        }
    )
    return {"component-definition": body}
