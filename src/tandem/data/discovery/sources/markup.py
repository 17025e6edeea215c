"""XML (defused) rendered as `path.to.element: value` lines, so element and attribute names are context."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from tandem.platform.safety import parse_xml

from .segment import Segment, clean_cell


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _lines(element: ET.Element, prefix: str) -> Iterator[str]:
    name = f"{prefix}.{_local(element.tag)}" if prefix else _local(element.tag)
    for attribute, value in element.attrib.items():
        yield f"{name}.{_local(attribute)}: {clean_cell(value)}"
    if element.text and element.text.strip():
        yield f"{name}: {clean_cell(element.text.strip())}"
    for child in element:
        yield from _lines(child, name)
        if child.tail and child.tail.strip():
            yield f"{name}: {clean_cell(child.tail.strip())}"


def xml_segments(data: bytes, path: str) -> Iterator[Segment]:
    """Parse XML with DTDs and entities forbidden and yield one segment of `path: value` lines."""
    root = parse_xml(data, path)
    yield Segment("\n".join(_lines(root, "")) + "\n", path)
