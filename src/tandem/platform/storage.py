"""Content-addressed file stores under the data folder: <data_dir>/<folder>/<sha[:2]>/<sha256>.

Files are written once (same content, same file), flushed to disk before they are renamed into place, so a row
that names a digest never points at a missing or half-written file after a crash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from tandem.platform.config import get_settings

_HEX = frozenset("0123456789abcdef")


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
