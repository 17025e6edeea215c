"""Fetch the enabled watch sources through the outbound URL guard (size and time capped), then import each
document in its own short transaction so one failing source neither blocks nor undoes the others."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session

from tandem.platform.config import get_settings
from tandem.platform.errors import Conflict, InvalidInput, TandemError
from tandem.platform.safety.errors import UnsafeInput
from tandem.platform.safety.urls import fetch
from tandem.reporting.settings import WATCH_FORMATS, get_reporting_settings
from tandem.reporting.watch import service

OpenTransaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Document:
    """A fetched document ready to parse: which source, its bytes, where from, and the CSAF checksum."""

    source: str
    data: bytes
    url: str
    checksum: bytes | None = None


def _get(url: str) -> bytes:
    settings = get_reporting_settings()
    try:
        return fetch(url, allow_hosts=get_settings().allow_hosts(), max_bytes=settings.watch_max_feed_bytes,
                     timeout=settings.watch_fetch_timeout_s)  # fmt: skip
    except UnsafeInput as exc:
        raise InvalidInput.one("url", str(exc)) from None
    except httpx.HTTPError as exc:
        raise InvalidInput.one("url", f"could not fetch {url}: {exc}") from None


def download(source: str) -> list[Document]:
    """Download a source's documents (a CSAF document with the `.sha512` published beside it)."""
    if source not in WATCH_FORMATS:
        raise InvalidInput.one("source", f"unknown watch source {source!r}; one of {', '.join(WATCH_FORMATS)}")
    urls = get_reporting_settings().source_urls(source)
    if not urls:
        raise Conflict(f"no URL is set for watch source {source} (TANDEM_WATCH_{source.upper().replace('-', '_')}_URL)")
    if source == "csaf":
        return [Document(source, _get(url), url, _get(url + ".sha512")) for url in urls]
    return [Document(source, _get(urls[0]), urls[0])]


def check_enabled(sources: list[str] | None) -> list[str]:
    """Return the sources to fetch: those asked for (each must be enabled) or every enabled one."""
    enabled = get_reporting_settings().enabled_sources()
    if not sources:
        return enabled
    off = [s for s in sources if s not in enabled]
    if off:
        raise Conflict(f"watch source {', '.join(off)} is off; name it in TANDEM_WATCH_ENABLED or side-load a file")
    return sources


def require_enabled(sources: list[str] | None) -> list[str]:
    """Like check_enabled, but refuse when nothing at all would be fetched."""
    wanted = check_enabled(sources)
    if not wanted:
        raise Conflict("no watch source is enabled (TANDEM_WATCH_ENABLED); side-load files instead")
    return wanted


def fetch_sources(sources: list[str], transaction: OpenTransaction) -> dict[str, Any]:
    """Fetch and import each source; a failure is recorded beside its source and the others go on."""
    results: dict[str, Any] = {}
    for source in sources:
        try:
            docs = download(source)
        except TandemError as exc:
            with transaction() as session:
                service.record_failure(session, source, ", ".join(get_reporting_settings().source_urls(source)),
                                       exc.message)  # fmt: skip
            results[source] = {"error": exc.message}
            continue
        imported = []
        for doc in docs:
            try:
                with transaction() as session:
                    found = service.import_document(session, None, WATCH_FORMATS[source], doc.data, doc.url,
                                                    doc.checksum, source)  # fmt: skip
                imported.append(found.model_dump())
            except TandemError as exc:
                with transaction() as session:
                    service.record_failure(session, source, doc.url, exc.message)
                imported.append({"origin": doc.url, "error": exc.message})
        results[source] = imported
    return results
