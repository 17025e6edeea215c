"""Content-addressed file stores under the data folder: <data_dir>/<folder>/<sha[:2]>/<sha256>.

Files are written once (same content, same file), flushed to disk before they are renamed into place, so a row
that names a digest never points at a missing or half-written file after a crash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from tandem.platform.config import get_settings
from tandem.platform.errors import InvalidInput
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.uploads import safe_filename, sniff_type

_HEX = frozenset("0123456789abcdef")
# The media type each sniffed kind is served with (as an attachment).
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "txt": "text/plain", "csv": "text/csv",
    "json": "application/json", "xml": "application/xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text", "odp": "application/vnd.oasis.opendocument.presentation",
}  # fmt: skip


def checked_upload(data: bytes, filename: str, allowed: set[str], limit: int, where: str = "file") -> tuple[str, str]:
    """Return (kind, harmless name) of an upload; raise a located error for a too-large, empty or wrongly typed file
    (the type is read from the bytes, never trusted from the name)."""
    if len(data) > limit:
        raise InvalidInput.one(where, f"file exceeds the {limit:,}-byte limit")
    if not data:
        raise InvalidInput.one(where, "the file is empty")
    try:
        kind = sniff_type(data, filename, allowed)
    except UnsafeInput as exc:
        raise InvalidInput.one(where, f"{exc.reason} (allowed: {', '.join(sorted(allowed))})") from None
    return kind, safe_filename(filename)


@dataclass(frozen=True)
class FileStore:
    """One folder of content-addressed files (e.g. "evidence", "vendor-documents")."""

    folder: str

    def root(self) -> Path:
        """Return the store's folder."""
        return get_settings().data_dir / self.folder

    def path_of(self, sha256: str) -> Path:
        """Return where a file with this digest lives (the digest is checked: it names a path)."""
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError("not a sha256 digest")
        return self.root() / sha256[:2] / sha256

    def store(self, data: bytes) -> str:
        """Write data once and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_of(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)  # atomic: a reader never sees half a file
        return digest

    def read(self, sha256: str) -> bytes:
        """Return a stored file's bytes."""
        return self.path_of(sha256).read_bytes()
