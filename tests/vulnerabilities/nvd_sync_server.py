"""A loopback stand-in for the NVD CVE API 2.0 serving recorded real records with the API's paging and filters.

It slices the records by startIndex / resultsPerPage, filters them by lastModified, refuses what NVD refuses (a
window over 120 days, one date without the other, more than 2000 per page, a wrong apiKey) and answers chosen
requests with 429 / 503 so the client's backoff and the sync's resume can be watched from outside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tandem.platform.config import get_settings
from tandem.vulnerabilities.settings import get_vulnerability_settings

DATA = Path(__file__).parent / "data"
PATH = "/rest/json/cves/2.0"
PAGES = ("nvd/cves-startIndex-200000-2023-07-18.json", "nvd/cves-38-records-2023-10-18.json")
Override = tuple[int, dict[str, str]]


def recorded_records() -> list[dict[str, Any]]:
    """Return the 238 recorded CVE records of the two API pages, in the order NVD sent them."""
    out: list[dict[str, Any]] = []
    for rel in PAGES:
        out.extend(json.loads((DATA / rel).read_bytes())["vulnerabilities"])
    return out


def _when(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass
class Seen:
    """One request as the server saw it."""

    params: dict[str, str]
    headers: dict[str, str]
    status: int
    raw_query: str


@dataclass
class FakeNvd:
    records: list[dict[str, Any]]
    port: int = 0
    api_key: str | None = None
    # (request number from 1, params) -> (status, headers) to answer instead of a page, or None.
    fail: Callable[[int, dict[str, str]], Override | None] | None = None
    extra: dict[str, bytes] = field(default_factory=dict)  # other paths (KEV, EPSS files)
    seen: list[Seen] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}{PATH}"

    def pages(self) -> list[Seen]:
        """Return the requests answered with a page."""
        return [s for s in self.seen if s.status == 200 and "startIndex" in s.params]

    def answer(self, query: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        status, out_headers, body = self._answer(params, headers)
        self.seen.append(Seen(params, headers, status, query))
        return status, out_headers, body

    def _answer(self, params: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        override = self.fail(len(self.seen) + 1, params) if self.fail else None
        if override is not None:
            return override[0], override[1], b""
        if self.api_key is not None and headers.get("apikey") != self.api_key:
            return 404, {"message": "Invalid apiKey"}, b""
        start, size = int(params.get("startIndex", "0")), int(params.get("resultsPerPage", "2000"))
        if size > 2000:
            return 404, {"message": "resultsPerPage must not exceed 2000"}, b""
        chosen = self._filtered(params)
        if isinstance(chosen, str):
            return 404, {"message": chosen}, b""
        page = chosen[start : start + size]
        doc = {"resultsPerPage": len(page), "startIndex": start, "totalResults": len(chosen), "format": "NVD_CVE",
               "version": "2.0", "timestamp": "2026-11-27T22:00:00.000", "vulnerabilities": page}  # fmt: skip
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()

    def _filtered(self, params: dict[str, str]) -> list[dict[str, Any]] | str:
        low, high = params.get("lastModStartDate"), params.get("lastModEndDate")
        if low is None and high is None:
            return self.records
        if low is None or high is None:
            return "Both lastModStartDate and lastModEndDate are required when either is present"
        try:
            start, end = _when(low), _when(high)
        except ValueError:
            return "Invalid lastModStartDate or lastModEndDate"
        if end - start > dt.timedelta(days=120):
            return "The lastMod date range must not exceed 120 days"
        return [r for r in self.records if start <= _when(r["cve"]["lastModified"]) <= end]


def _handler(server: FakeNvd) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if parts.path == PATH:
                status, out, body = server.answer(parts.query, headers)
            elif parts.path in server.extra:
                status, out, body = 200, {}, server.extra[parts.path]
            else:
                status, out, body = 404, {}, b"not here"
            self.send_response(status)
            for name, value in out.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serve(fake: FakeNvd) -> Iterator[FakeNvd]:
    """Run the fake API on an ephemeral 127.0.0.1 port for the duration of the block."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.port = int(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()


def configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """Set TANDEM_* variables (names without the prefix) and drop the cached settings."""
    for key, value in env.items():
        monkeypatch.setenv(f"TANDEM_{key.upper()}", value)
    get_settings.cache_clear()
    get_vulnerability_settings.cache_clear()


def enable(monkeypatch: pytest.MonkeyPatch, fake: FakeNvd, **env: str) -> None:
    """Point the sync at the fake API, allow its loopback host:port and keep the waits tiny."""
    configure(monkeypatch, vulnerabilities_fetch_enabled="true", vulnerabilities_nvd_api_url=fake.url,
              outbound_allow_hosts=fake.host, vulnerabilities_nvd_delay_s="0", vulnerabilities_nvd_backoff_s="0.01",
              vulnerabilities_nvd_page_size="50", **env)  # fmt: skip


@contextlib.contextmanager
def fake_nvd(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNvd]:
    """The fake NVD API with the recorded records, and settings pointing at it (the test files' `nvd` fixture)."""
    with serve(FakeNvd(recorded_records())) as fake:
        enable(monkeypatch, fake)
        yield fake
    monkeypatch.undo()
    get_settings.cache_clear()
    get_vulnerability_settings.cache_clear()
