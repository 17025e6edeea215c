"""Parse untrusted XML with DTDs, entities and external references forbidden."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from .errors import InvalidXML, TooLarge, UnsafeInput, UnsafeXML

MAX_XML_BYTES = 50 * 1024 * 1024
_READ_SIZE = 64 * 1024
_POSITION_SUFFIX = re.compile(r":\s*line \d+, column \d+$")


def _new_parser() -> Any:
    # XInclude is only processed by an explicit ElementInclude.include() call, which we never make,
    # so xi:include elements stay inert.
    return DET.DefusedXMLParser(target=ET.TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _where(name: str, line: int | None, column: int | None) -> str:
    return f"{name}:{line}:{column}" if line is not None else name


def _parser_position(parser: Any) -> tuple[int | None, int | None]:
    # The pure-Python parser keeps its expat object until close(); expat columns are 0-based.
    expat = getattr(parser, "parser", None)
    if expat is None:
        return None, None
    return expat.CurrentLineNumber, expat.CurrentColumnNumber + 1


def _defused_reason(exc: DefusedXmlException) -> str:
    if isinstance(exc, DTDForbidden):
        return f"DOCTYPE/DTD is forbidden (<!DOCTYPE {exc.name}>)"
    if isinstance(exc, EntitiesForbidden):
        return f"entity declarations are forbidden (entity {exc.name!r})"
    if isinstance(exc, ExternalReferenceForbidden):
        return f"external references are forbidden ({exc.sysid!r})"
    return f"forbidden XML construct: {exc}"


def _convert(exc: Exception, name: str, parser: Any) -> UnsafeInput:
    if isinstance(exc, DefusedXmlException):
        line, column = _parser_position(parser)
        return UnsafeXML(_defused_reason(exc), _where(name, line, column))
    if isinstance(exc, ET.ParseError):
        line, column = exc.position if getattr(exc, "position", None) else (None, None)
        reason = _POSITION_SUFFIX.sub("", str(exc)) or "malformed XML"
        return InvalidXML(reason, _where(name, line, None if column is None else column + 1))
    return InvalidXML(f"cannot parse XML: {exc}", name)


def parse_xml(data: bytes, name: str, max_bytes: int = MAX_XML_BYTES) -> ET.Element:
    """Parse an untrusted XML document into an Element, rejecting DTDs, entities and oversize input."""
    if len(data) > max_bytes:
        raise TooLarge(f"XML exceeds the {max_bytes}-byte limit", name)
    parser = _new_parser()
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except (DefusedXmlException, ET.ParseError, UnicodeError, LookupError) as exc:
        raise _convert(exc, name, parser) from exc
    return root


class _LimitedReader:
    """File-like wrapper that stops a stream once it has yielded more than `limit` bytes."""

    def __init__(self, stream: BinaryIO, limit: int, name: str) -> None:
        self._stream = stream
        self._limit = limit
        self._name = name
        self._seen = 0

    def read(self, size: int = _READ_SIZE) -> bytes:
        chunk = self._stream.read(min(size if size > 0 else _READ_SIZE, self._limit + 1 - self._seen))
        self._seen += len(chunk)
        if self._seen > self._limit:
            raise TooLarge(f"XML exceeds the {self._limit}-byte limit", self._name)
        return chunk


def iterparse_xml(
    stream: BinaryIO,
    name: str,
    max_bytes: int = MAX_XML_BYTES,
    events: Sequence[str] = ("end",),
) -> Iterator[tuple[str, Any]]:
    """Yield (event, element) pairs from a large untrusted XML stream; clear elements to bound memory."""
    parser = _new_parser()
    reader = _LimitedReader(stream, max_bytes, name)
    try:
        yield from DET.iterparse(reader, events=tuple(events), parser=parser)
    except (DefusedXmlException, ET.ParseError, UnicodeError, LookupError) as exc:
        raise _convert(exc, name, parser) from exc
