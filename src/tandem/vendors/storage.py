"""Content-addressed vendor files under <data_dir>/vendor-documents/<sha[:2]>/<sha256>."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tandem.platform.config import get_settings


def root() -> Path:
    """Return the vendor documents folder."""
    return get_settings().data_dir / "vendor-documents"


def path_of(sha256: str) -> Path:
    """Return where a file with this digest lives (the digest is checked: it names a path)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 digest")
    return root() / sha256[:2] / sha256


def store(data: bytes) -> str:
    """Write data once (same content, same file) and return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    return digest


def read(sha256: str) -> bytes:
    """Return a stored file's bytes."""
    return path_of(sha256).read_bytes()
