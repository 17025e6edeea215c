"""Bounded reads, magic-byte type checks and safe names for uploaded files."""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

import filetype

from .errors import TooLarge, TypeMismatch

CHUNK_SIZE = 64 * 1024
MAX_NAME_CHARS = 200
# Filesystems cap a name component at 255 bytes, not characters.
_MAX_NAME_BYTES = 255
_UTF8_BOM = b"\xef\xbb\xbf"
# Browsers sniff roughly the first 512-1024 bytes when deciding whether something is HTML.
_SNIFF_WINDOW = 1024
# Tags that make a browser treat bytes as an active HTML/SVG document. Text files are judged on the
# narrower set so XML that merely uses <head>/<body> element names is not mistaken for HTML.
_HTML_IN_BINARY = re.compile(r"<(!doctype\s+html|html|head|body|script|iframe|svg|object|embed)[\s/>]", re.I)
_HTML_IN_TEXT = re.compile(r"<(!doctype\s+html|html|script|iframe|svg)[\s/>]", re.I)
_XML_START = re.compile(r"<(\?xml|!--|!doctype|[a-z_:])", re.IGNORECASE)
_LEADING_SPACE = re.compile(r"\s*")
_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "tiff": "tif", "htm": "html", "tgz": "gz"}
# Which sniffed text kinds each text extension may hold; "html" is never acceptable.
_TEXT_COMPAT = {
    "csv": {"txt", "json"},
    "txt": {"txt", "json", "xml"},
    "json": {"json"},
    "xml": {"xml"},
}
# Office/OpenDocument files are ZIP containers; filetype only recognises them by member order.
_ZIP_CONTAINERS = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*]')
_SANE_EXT = re.compile(r"^[A-Za-z0-9]{1,10}$")


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes | None: ...


def read_limited(stream: _Readable, limit: int, name: str) -> bytes:
    """Read a binary stream fully, raising TooLarge as soon as it exceeds `limit` bytes."""
    parts: list[bytes] = []
    total = 0
    while True:
        # Ask for at most one byte past the limit so an oversized upload is never buffered.
        chunk = stream.read(min(CHUNK_SIZE, limit + 1 - total))
        if not chunk:
            return b"".join(parts)
        total += len(chunk)
        if total > limit:
            raise TooLarge(f"file exceeds the {limit}-byte limit", name)
        parts.append(chunk)


def _canonical(ext: str) -> str:
    ext = ext.lower()
    return _ALIASES.get(ext, ext)


def _extension(filename: str) -> str:
    base = re.split(r"[/\\]", filename)[-1]
    stem, dot, ext = base.rpartition(".")
    return _canonical(ext) if dot and stem.strip(". ") else ""


def _sniff_text(data: bytes) -> str | None:
    """Classify UTF-8 text as html/xml/json/txt, or None when it is not clean text."""
    if b"\x00" in data:
        return None
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    start = _LEADING_SPACE.match(text)
    head = text[start.end() if start else 0 :][:_SNIFF_WINDOW]
    if head.startswith("<") and _HTML_IN_TEXT.search(head):
        return "html"
    if _XML_START.match(head):
        return "xml"
    if head.startswith(("{", "[")):
        return "json"
    return "txt"


def _sniff_binary(data: bytes) -> str | None:
    kind = filetype.guess(bytes(data[:8192]))
    return _canonical(kind.extension) if kind is not None else None


def sniff_type(data: bytes, filename: str, allowed: set[str]) -> str:
    """Return the real type of `data`, raising TypeMismatch if its name or `allowed` disagree."""
    ext = _extension(filename)
    if not ext:
        raise TypeMismatch("file name has no extension", filename)
    detected = _sniff_binary(data)
    if detected is not None:
        if _HTML_IN_BINARY.search(data[:_SNIFF_WINDOW].decode("latin-1")):
            raise TypeMismatch(f"{detected} content embeds HTML (polyglot)", filename)
        if not (ext == detected or (detected == "zip" and ext in _ZIP_CONTAINERS)):
            raise TypeMismatch(f"content is {detected} but the name says .{ext}", filename)
    else:
        text_kind = _sniff_text(data)
        if text_kind is None:
            raise TypeMismatch(f"content is not a recognised type for .{ext}", filename)
        if text_kind not in _TEXT_COMPAT.get(ext, set()):
            raise TypeMismatch(f"content is {text_kind} text but the name says .{ext}", filename)
    if ext not in {_canonical(a) for a in allowed}:
        raise TypeMismatch(f"type .{ext} is not allowed here", filename)
    return ext


def _clean_chars(name: str) -> str:
    # NFKC folds fullwidth look-alikes of '.' and '/' into ASCII before we strip them.
    name = unicodedata.normalize("NFKC", name)
    # Drop control, format (bidi overrides that disguise extensions) and separator characters.
    kept = "".join(
        " " if ch.isspace() else ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"}
    )
    return _UNSAFE_NAME_CHARS.sub("_", kept)


def _fit(stem: str, ext: str) -> str:
    suffix = f".{ext}" if ext else ""
    stem = stem[: MAX_NAME_CHARS - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(". ") or "file") + suffix


def safe_filename(name: str) -> str:
    """Return a harmless single-component file name derived from an untrusted one."""
    base = re.split(r"[/\\]", _clean_chars(name))[-1]
    base = re.sub(r"\s+", " ", base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if dot and not (_SANE_EXT.match(ext) and stem.strip(" .")):
        # An odd suffix is kept as part of the stem so the name never ends in a misleading extension.
        stem, ext = f"{stem}_{ext}", ""
    elif not dot:
        stem, ext = base, ""
    stem = stem.strip(" .")
    if _WINDOWS_RESERVED.match(stem):
        stem = f"_{stem}"
    return _fit(stem or "file", ext.lower())


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """Return a Content-Disposition value for a download named `name` (RFC 6266 with RFC 5987 `filename*`).

    Header values must be Latin-1, so a stored name such as "Prüfbericht – März.pdf" cannot go in `filename=`
    as it is (it made downloads fail with a server error): browsers take the UTF-8 `filename*`, older clients
    the ASCII fallback. Quotes, backslashes and control characters never reach the header.
    """
    from urllib.parse import quote

    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C") or "download"
    fallback = cleaned.encode("ascii", "replace").decode("ascii")
    fallback = re.sub(r'[?"\\]', "_", fallback)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def inert_download_headers(name: str) -> dict[str, str]:
    """Return the headers that make a stored file's download inert: an attachment the browser may not sniff or run."""
    return {
        "Content-Disposition": content_disposition(name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
