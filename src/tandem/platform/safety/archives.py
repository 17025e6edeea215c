"""Inspect and extract ZIP and TAR archives by counting real bytes, never trusting headers."""

from __future__ import annotations

import gzip
import io
import re
import stat
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO, Protocol, cast

from .errors import TooLarge, UnsafeArchive, UnsafeInput

MIB = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_TOTAL = 1024 * MIB
MAX_RATIO = 100
MAX_DEPTH = 2
MAX_MEMBER = 100 * MIB
_CHUNK = 64 * 1024
# Small files compress absurdly well and are harmless; the ratio only matters once output is big.
_RATIO_FLOOR = 1 * MIB
# Nested archives must be buffered to be opened; keep that bounded regardless of max_total.
_NESTED_BUFFER = 64 * MIB
_TAR_HEADER_ALLOWANCE = 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, OSError, EOFError, zlib.error)
# zipfile also signals bad input with ValueError, NotImplementedError (unknown method) and RuntimeError.
_READ_ERRORS = (*_ARCHIVE_ERRORS, ValueError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class ArchiveMember:
    """One checked archive entry: normalised relative POSIX path and real uncompressed size."""

    name: str
    size: int
    is_dir: bool = False
    is_archive: bool = False


@dataclass(frozen=True)
class ExtractedMember:
    """A regular file taken out of an archive, with a normalised relative POSIX path."""

    name: str
    data: bytes


@dataclass
class _Ctx:
    """Limits and running totals shared by an archive and everything nested inside it."""

    archive_size: int
    max_members: int
    max_total: int
    max_ratio: float
    max_depth: int
    max_member: int | None = None
    members: int = 0
    total: int = 0

    def count_member(self, where: str) -> None:
        self.members += 1
        if self.members > self.max_members:
            raise UnsafeArchive(f"archive has more than {self.max_members} members", where)

    def count_bytes(self, n: int, where: str) -> None:
        self.total += n
        if self.total > self.max_total:
            raise UnsafeArchive(f"uncompressed size exceeds {self.max_total} bytes", where)
        if self.total > _RATIO_FLOOR and self.total > max(self.archive_size, 1) * self.max_ratio:
            raise UnsafeArchive(f"overall compression ratio exceeds {self.max_ratio}", where)


class _Reader(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


_Opener = Callable[[], AbstractContextManager[_Reader] | None]
_Drained = tuple[int, bytes | None, str | None]
_Entry = tuple[ArchiveMember, bytes | None]


def _printable(raw: str) -> str:
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in raw)


def _member_name(raw: str, where: str) -> str:
    """Return the normalised member path, rejecting absolute, traversing or control-char names."""
    if not raw or any(unicodedata.category(ch) == "Cc" for ch in raw):
        raise UnsafeArchive("member name is empty or has control characters", where)
    for candidate in (raw, unicodedata.normalize("NFKC", raw)):
        if candidate.startswith(("/", "\\")) or _DRIVE.match(candidate):
            raise UnsafeArchive("member name is an absolute path", where)
        if ".." in re.split(r"[/\\]", candidate):
            raise UnsafeArchive("member name traverses out of the archive ('..')", where)
    parts = [part for part in re.split(r"[/\\]", raw) if part not in ("", ".")]
    if not parts:
        raise UnsafeArchive("member name is empty", where)
    return "/".join(parts)


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OTHER_MAGIC = {b"\x1f\x8b": "gzip", b"\xfd7zXZ\x00": "xz", b"7z\xbc\xaf\x27\x1c": "7z", b"Rar!": "rar"}


def _archive_kind(head: bytes) -> str | None:
    """Name the archive format `head` starts with, if any."""
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "bzip2"
    return next((kind for magic, kind in _OTHER_MAGIC.items() if head.startswith(magic)), None)


def _drain(stream: _Reader, ctx: _Ctx, where: str, compressed: int | None, keep: bool) -> _Drained:
    """Read a member to its end in chunks, enforcing limits on the real byte count."""
    size = 0
    parts: list[bytes] = []
    kind: str | None = None
    while chunk := stream.read(_CHUNK):
        if size == 0:
            kind = _archive_kind(chunk)
            keep = keep or kind is not None
        size += len(chunk)
        ctx.count_bytes(len(chunk), where)
        if compressed is not None and size > _RATIO_FLOOR and size > max(compressed, 1) * ctx.max_ratio:
            raise UnsafeArchive(f"member compression ratio exceeds {ctx.max_ratio}", where)
        if ctx.max_member is not None and size > ctx.max_member:
            raise TooLarge(f"member exceeds {ctx.max_member} bytes", where)
        if kind is not None and size > _NESTED_BUFFER:
            raise UnsafeArchive("nested archive is too large to inspect", where)
        if keep:
            parts.append(chunk)
    return size, (b"".join(parts) if keep else None), kind


def _read_member(opener: _Opener, ctx: _Ctx, where: str, compressed: int | None, keep: bool) -> _Drained:
    try:
        stream = opener()
        if stream is None:
            raise UnsafeArchive("member cannot be read", where)
        with stream as reader:
            return _drain(reader, ctx, where, compressed, keep)
    except UnsafeInput:
        raise
    except _READ_ERRORS as exc:
        raise UnsafeArchive(f"unreadable member: {exc}", where) from exc


def _check_nested(content: bytes, where: str, ctx: _Ctx, depth: int) -> None:
    kind = _archive_kind(content[:512])
    if depth >= ctx.max_depth:
        raise UnsafeArchive(f"archives nested deeper than {ctx.max_depth} levels", where)
    if kind == "gzip" and not _gzip_holds_tar(content, where):
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            _drain(stream, ctx, where, len(content), keep=False)
        return
    if kind not in ("zip", "tar", "gzip"):
        raise UnsafeArchive(f"cannot inspect nested {kind} archive", where)
    for _ in _entries(content, where, ctx, depth + 1, keep=False):
        pass


def _gzip_holds_tar(content: bytes, where: str) -> bool:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            return stream.read(512)[257:262] == b"ustar"
    except _ARCHIVE_ERRORS as exc:
        raise UnsafeArchive(f"unreadable gzip data: {exc}", where) from exc


def _zip_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, ctx: _Ctx, keep: bool) -> _Entry:
    ctx.count_member(where)
    name = _member_name(info.filename, where)
    file_type = stat.S_IFMT(info.external_attr >> 16)
    if file_type == stat.S_IFLNK:
        raise UnsafeArchive("symbolic links are not allowed", where)
    if file_type not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnsafeArchive("special files are not allowed", where)
    if info.flag_bits & 0x1:
        raise UnsafeArchive("encrypted members cannot be inspected", where)
    if info.is_dir():
        return ArchiveMember(name, 0, is_dir=True), None
    # Judge the ratio on the declared size first, then again on the bytes actually produced.
    compressed = min(info.compress_size, ctx.archive_size)
    if info.file_size > _RATIO_FLOOR and info.file_size > max(compressed, 1) * ctx.max_ratio:
        raise UnsafeArchive(f"member compression ratio exceeds {ctx.max_ratio}", where)
    size, content, kind = _read_member(lambda: zf.open(info), ctx, where, compressed, keep)
    return ArchiveMember(name, size, is_archive=kind is not None), content


def _zip_entries(data: bytes, location: str, ctx: _Ctx, keep: bool) -> Iterator[_Entry]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if ctx.members + len(infos) > ctx.max_members:
            raise UnsafeArchive(f"archive has more than {ctx.max_members} members", location)
        if sum(info.file_size for info in infos) > ctx.max_total:
            raise UnsafeArchive(f"declared uncompressed size exceeds {ctx.max_total} bytes", location)
        for info in infos:
            yield _zip_entry(zf, info, f"{location}:{_printable(info.filename)}", ctx, keep)


class _CountingReader:
    """Caps the decompressed tar stream (headers included) and its compression ratio."""

    def __init__(self, inner: _Reader, ctx: _Ctx, compressed: int, where: str) -> None:
        self._inner = inner
        self._cap = ctx.max_total + _TAR_HEADER_ALLOWANCE * (ctx.max_members + 10)
        self._ceiling = max(compressed, 1) * ctx.max_ratio
        self._where = where
        self._seen = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._inner.read(_CHUNK if size < 0 else size)
        self._seen += len(chunk)
        if self._seen > self._cap:
            raise UnsafeArchive("uncompressed TAR stream is too large", self._where)
        if self._seen > _RATIO_FLOOR and self._seen > self._ceiling:
            raise UnsafeArchive("TAR compression ratio exceeds the limit", self._where)
        return chunk


def _tar_entry(tf: tarfile.TarFile, info: tarfile.TarInfo, where: str, ctx: _Ctx, keep: bool) -> _Entry:
    ctx.count_member(where)
    name = _member_name(info.name, where)
    if info.issym() or info.islnk():
        raise UnsafeArchive("symbolic and hard links are not allowed", where)
    if info.isdir():
        return ArchiveMember(name, 0, is_dir=True), None
    if not info.isreg():
        raise UnsafeArchive("devices, FIFOs and other special files are not allowed", where)
    if info.size > ctx.max_total:
        raise UnsafeArchive(f"declared member size exceeds {ctx.max_total} bytes", where)
    size, content, kind = _read_member(lambda: tf.extractfile(info), ctx, where, None, keep)
    return ArchiveMember(name, size, is_archive=kind is not None), content


def _tar_entries(data: bytes, location: str, ctx: _Ctx, keep: bool) -> Iterator[_Entry]:
    raw: _Reader = gzip.GzipFile(fileobj=io.BytesIO(data)) if data[:2] == b"\x1f\x8b" else io.BytesIO(data)
    reader = _CountingReader(raw, ctx, len(data), location)
    # Stream mode ("r|") reads strictly forward, so nothing is seeked or buffered behind our counter.
    with tarfile.open(fileobj=cast(BinaryIO, reader), mode="r|") as tf:
        for info in tf:
            yield _tar_entry(tf, info, f"{location}:{_printable(info.name)}", ctx, keep)


def _entries(
    data: bytes, location: str, ctx: _Ctx, depth: int, keep: bool, only: str | None = None
) -> Iterator[_Entry]:
    """Yield every checked member of a ZIP, TAR or TAR.GZ archive, converting parser errors."""
    kind = _archive_kind(data[:512])
    expected = {"zip": ("zip",), "tar": ("tar", "gzip")}.get(only or "", ("zip", "tar", "gzip"))
    if kind not in expected:
        raise UnsafeArchive(f"not a {(only or 'ZIP or TAR').upper()} archive", location)
    walker = _zip_entries if kind == "zip" else _tar_entries
    seen: set[str] = set()
    try:
        for member, content in walker(data, location, ctx, keep):
            # Two entries with one path let a later, unchecked copy overwrite an earlier one.
            if member.name in seen:
                raise UnsafeArchive("duplicate member name", f"{location}:{member.name}")
            seen.add(member.name)
            if member.is_archive and content is not None:
                _check_nested(content, f"{location}:{member.name}", ctx, depth)
            yield member, content
    except UnsafeInput:
        raise
    except _READ_ERRORS as exc:
        raise UnsafeArchive(f"unreadable {kind} archive: {exc}", location) from exc


def inspect_zip(
    data: bytes,
    name: str,
    max_members: int = MAX_MEMBERS,
    max_total: int = MAX_TOTAL,
    max_ratio: float = MAX_RATIO,
    max_depth: int = MAX_DEPTH,
) -> list[ArchiveMember]:
    """Check every member of a ZIP (and archives nested in it) and list the top-level members."""
    ctx = _Ctx(len(data), max_members, max_total, max_ratio, max_depth)
    return [member for member, _ in _entries(data, name, ctx, 1, keep=False, only="zip")]


def inspect_tar(
    data: bytes,
    name: str,
    max_members: int = MAX_MEMBERS,
    max_total: int = MAX_TOTAL,
    max_ratio: float = MAX_RATIO,
    max_depth: int = MAX_DEPTH,
) -> list[ArchiveMember]:
    """Check every member of a TAR or TAR.GZ (and archives nested in it) and list the top-level members."""
    ctx = _Ctx(len(data), max_members, max_total, max_ratio, max_depth)
    return [member for member, _ in _entries(data, name, ctx, 1, keep=False, only="tar")]


def extract_members(
    data: bytes,
    name: str,
    *,
    max_members: int = MAX_MEMBERS,
    max_total: int = MAX_TOTAL,
    max_ratio: float = MAX_RATIO,
    max_depth: int = MAX_DEPTH,
    max_member: int = MAX_MEMBER,
) -> Iterator[ExtractedMember]:
    """Yield the regular files of a ZIP/TAR/TAR.GZ, only after the whole archive has passed inspection."""
    limits = (len(data), max_members, max_total, max_ratio, max_depth, max_member)
    # Validate everything first so a bomb at the end never leaves half an import behind.
    for _ in _entries(data, name, _Ctx(*limits), 1, keep=False):
        pass
    for member, content in _entries(data, name, _Ctx(*limits), 1, keep=True):
        if not member.is_dir and content is not None:
            yield ExtractedMember(member.name, content)


def gunzip_limited(data: bytes, name: str, max_out: int) -> bytes:
    """Decompress a gzip stream, raising TooLarge as soon as the output exceeds `max_out` bytes."""
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(min(_CHUNK, max_out + 1 - len(out))):
                out += chunk
                if len(out) > max_out:
                    raise TooLarge(f"decompressed data exceeds {max_out} bytes", name)
    except _ARCHIVE_ERRORS as exc:
        raise UnsafeArchive(f"invalid gzip data: {exc}", name) from exc
    return bytes(out)


# What openpyxl raises on a damaged workbook that passed inspect_zip: no workbook part, malformed XML (lxml's
# SyntaxError), odd indexes or values. Callers turn these into located "not a readable XLSX workbook" errors.
WORKBOOK_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile, LookupError, ValueError, OSError, SyntaxError, TypeError, AttributeError, EOFError,
)  # fmt: skip
