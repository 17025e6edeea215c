"""Choose an extractor by content and name, and recurse into archives within the safety limits."""

from __future__ import annotations

import os
from collections.abc import Iterator

from tandem.platform.safety import extract_members, gunzip_limited

from .mail import eml_segments
from .markup import xml_segments
from .office import docx_segments, pdf_segments, xlsx_segments
from .segment import Segment, decode

MAX_NESTING = 3
MAX_DECOMPRESSED = 256 * 1024 * 1024
_TEXT = {".txt", ".log", ".json", ".jsonl", ".ndjson", ".md", ".yaml", ".yml", ".env", ".ini", ".cfg", ".conf"}
_DELIMITED = {".csv", ".tsv"}


def _extension(path: str) -> str:
    name = path.rsplit("!", 1)[-1].lower()
    if name.endswith((".tar.gz", ".tgz")):
        return ".tgz"
    return os.path.splitext(name)[1]


def _archive(data: bytes, path: str, depth: int) -> Iterator[Segment]:
    for member in extract_members(data, path):
        yield from extract_segments(member.data, f"{path}!{member.name}", depth + 1)


def _office_or_archive(data: bytes, path: str, ext: str, depth: int) -> Iterator[Segment]:
    if ext == ".xlsx":
        return xlsx_segments(data, path)
    if ext == ".docx":
        return docx_segments(data, path)
    return _archive(data, path, depth)


def extract_segments(data: bytes, path: str, depth: int = 0) -> Iterator[Segment]:
    """Yield the text segments of a file (`path` names it and its archive members, joined by `!`)."""
    if depth > MAX_NESTING:
        return
    ext = _extension(path)
    if data.startswith(b"PK\x03\x04") or ext in (".zip", ".xlsx", ".docx"):
        yield from _office_or_archive(data, path, ext, depth)
    elif data.startswith(b"\x1f\x8b"):
        if ext == ".tgz" or ext == ".tar":
            yield from _archive(data, path, depth)
        else:
            inner = path[:-3] if path.lower().endswith(".gz") else path + ".out"
            yield from extract_segments(gunzip_limited(data, path, MAX_DECOMPRESSED), inner, depth + 1)
    elif len(data) > 262 and data[257:262] == b"ustar":
        yield from _archive(data, path, depth)
    elif data.startswith(b"%PDF"):
        yield from pdf_segments(data, path)
    elif ext == ".xml" or (ext not in _TEXT and data.lstrip()[:5] == b"<?xml"):
        yield from xml_segments(data, path)
    elif ext == ".eml":
        yield from eml_segments(data, path, depth, extract_segments)
    else:
        text = decode(data)
        if ext == ".tsv" or ext == ".csv":
            yield Segment(text, path, delimited=True)
        else:
            yield Segment(text, path)
