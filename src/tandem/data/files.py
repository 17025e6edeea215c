"""File sources: confine paths to the allowed roots, walk folders without following links, scan one file."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tandem.data.discovery import Scanner
from tandem.data.results import summarise_file


class OutsideRoots(ValueError):
    """The path is not inside an allowed scan root (or reaches outside one through a link)."""


@dataclass(frozen=True)
class FileEntry:
    """A regular file found under a scan source."""

    path: Path
    rel: str
    size: int
    mtime: float


def confine(raw: str, roots: list[Path]) -> tuple[Path, Path]:
    """Return (resolved path, its root): relative paths start at the first root; links must stay inside."""
    if not roots:
        raise OutsideRoots("no scan roots are configured (TANDEM_DATA_SCAN_ROOTS)")
    candidate = Path(raw).expanduser()
    if not candidate.is_absolute():
        candidate = roots[0] / candidate
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise OutsideRoots(f"{raw}: no such file or folder") from None
    for root in roots:
        if resolved == root or resolved.is_relative_to(root):
            return resolved, root
    raise OutsideRoots(f"{raw} is outside the allowed scan roots ({', '.join(map(str, roots))})")


def walk(source: Path) -> Iterator[FileEntry]:
    """Yield the regular files under source in a stable order; symbolic links are never followed."""
    if source.is_file():
        st = source.stat()
        yield FileEntry(source, source.name, st.st_size, st.st_mtime)
        return
    for folder, dirs, names in os.walk(source, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for name in sorted(names):
            full = Path(folder) / name
            st = full.lstat()
            if stat.S_ISREG(st.st_mode):  # links, sockets and devices are skipped
                yield FileEntry(full, full.relative_to(source).as_posix(), st.st_size, st.st_mtime)


def read_nofollow(path: str, max_bytes: int) -> bytes:
    """Read a file without following a link swapped in after the walk, up to max_bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError("not a regular file")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise OSError(f"larger than {max_bytes} bytes")
    return data


def file_hash(path: str, max_bytes: int) -> str:
    """Return the SHA-256 of a file's content."""
    return hashlib.sha256(read_nofollow(path, max_bytes)).hexdigest()


def scan_file(path: str, rel: str, key: bytes, max_bytes: int) -> dict[str, Any]:
    """Scan one file into a storable summary (runs in a worker process: arguments and result are plain)."""
    try:
        data = read_nofollow(path, max_bytes)
    except OSError as exc:
        return {
            "kind": "file",
            "path": rel,
            "column": "",
            "content_hash": "",
            "finding_count": 0,
            "type_counts": {},
            "confidence": {},
            "samples": {},
            "value_hashes": {},
            "cooccurrence": [],
            "errors": [f"{rel}: cannot read: {exc}"[:500]],
        }
    summary = summarise_file(Scanner(key).scan_bytes(data, rel))
    return {"kind": "file", "path": rel, "column": "", "content_hash": hashlib.sha256(data).hexdigest(), **summary}
