"""Parse OSCAL catalogs in XML (such as NIST's CSF 2.0 catalog) into the same dataclasses as JSON."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tandem.platform.safety.xml import parse_xml

from .errors import OscalError
from .model import Catalog, Control, Group, Link, Metadata, Param, Part, Prop, Resource

NS = "{http://csrc.nist.gov/ns/oscal/1.0}"
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr"}
_STRUCTURE = {"part", "prop", "link", "title", "control", "param", "group"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: ET.Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _inline(el: ET.Element) -> str:
    # Keep parameter inserts in the JSON moustache form so render_params() works for both formats.
    out = el.text or ""
    for child in el:
        if _local(child.tag) == "insert":
            out += f"{{{{ insert: param, {child.get('id-ref')} }}}}"
        else:
            out += _inline(child)
        out += child.tail or ""
    return out


def _block_lines(el: ET.Element) -> list[str]:
    if _local(el.tag) in _BLOCKS:
        return [" ".join(_inline(el).split())]
    lines: list[str] = []
    for child in el:
        lines.extend(_block_lines(child))
    return lines


def _prose(el: ET.Element) -> str:
    lines: list[str] = []
    for child in el:
        if _local(child.tag) not in _STRUCTURE:
            lines.extend(_block_lines(child))
    return "\n".join(line for line in lines if line)


def _props(el: ET.Element) -> tuple[Prop, ...]:
    return tuple(
        Prop(p.get("name", ""), p.get("value", ""), p.get("ns"), p.get("class")) for p in el.findall(f"{NS}prop")
    )


def _links(el: ET.Element) -> tuple[Link, ...]:
    return tuple(Link(x.get("href", ""), x.get("rel"), _text(x) or None) for x in el.findall(f"{NS}link"))


def _part(el: ET.Element) -> Part:
    title = el.find(f"{NS}title")
    return Part(
        name=el.get("name", ""),
        id=el.get("id"),
        title=_text(title) if title is not None else None,
        prose=_prose(el),
        parts=tuple(_part(p) for p in el.findall(f"{NS}part")),
        props=_props(el),
        cls=el.get("class"),
        ns=el.get("ns"),
    )


def _param(el: ET.Element) -> Param:
    select = el.find(f"{NS}select")
    label = el.find(f"{NS}label")
    return Param(
        id=el.get("id", ""),
        label=_text(label) if label is not None else None,
        values=tuple(_text(v) for v in el.findall(f"{NS}value")),
        choices=tuple(_text(c) for c in select.findall(f"{NS}choice")) if select is not None else (),
        how_many=select.get("how-many") if select is not None else None,
        guidelines="\n".join(_prose(g) for g in el.findall(f"{NS}guideline")),
        props=_props(el),
    )


def _control(el: ET.Element, parent: str | None, group: str | None) -> Control:
    control_id = el.get("id", "")
    return Control(
        id=control_id,
        title=_text(el.find(f"{NS}title")),
        cls=el.get("class"),
        parent=parent,
        group=group,
        params=tuple(_param(p) for p in el.findall(f"{NS}param")),
        props=_props(el),
        links=_links(el),
        parts=tuple(_part(p) for p in el.findall(f"{NS}part")),
        controls=tuple(_control(c, control_id, group) for c in el.findall(f"{NS}control")),
    )


def _group(el: ET.Element) -> Group:
    group_id = el.get("id")
    return Group(
        id=group_id,
        title=_text(el.find(f"{NS}title")),
        cls=el.get("class"),
        props=_props(el),
        parts=tuple(_part(p) for p in el.findall(f"{NS}part")),
        groups=tuple(_group(g) for g in el.findall(f"{NS}group")),
        controls=tuple(_control(c, None, group_id) for c in el.findall(f"{NS}control")),
    )


def _metadata(el: ET.Element | None, name: str) -> Metadata:
    if el is None:
        raise OscalError("catalog has no metadata", name)

    def field(tag: str) -> str:
        return _text(el.find(f"{NS}{tag}"))

    return Metadata(
        title=field("title"),
        version=field("version"),
        oscal_version=field("oscal-version"),
        last_modified=field("last-modified"),
        published=field("published") or None,
    )


def _back_matter(el: ET.Element | None) -> tuple[Resource, ...]:
    if el is None:
        return ()
    return tuple(
        Resource(
            uuid=r.get("uuid", ""),
            title=_text(r.find(f"{NS}title")) or None,
            rlinks=tuple((x.get("href", ""), x.get("media-type")) for x in r.findall(f"{NS}rlink")),
        )
        for r in el.findall(f"{NS}resource")
    )


def parse_catalog_xml(data: bytes, name: str = "catalog.xml") -> Catalog:
    """Parse an OSCAL catalog XML document (defused) into a Catalog."""
    root = parse_xml(data, name)
    if root.tag != f"{NS}catalog":
        raise OscalError(f"not an OSCAL catalog: root element is {root.tag!r}", name)
    return Catalog(
        uuid=root.get("uuid", ""),
        metadata=_metadata(root.find(f"{NS}metadata"), name),
        groups=tuple(_group(g) for g in root.findall(f"{NS}group")),
        controls=tuple(_control(c, None, None) for c in root.findall(f"{NS}control")),
        back_matter=_back_matter(root.find(f"{NS}back-matter")),
    )
