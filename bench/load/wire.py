"""A lean HTTP/1.1 keep-alive client on asyncio streams, for the load driver only.

The driver shares the machine's two cores with the server it measures; httpx spent ~2 ms of CPU per request,
which at 300 requests/s is more than half a core taken from the server. This client does what a load
generator such as wrk does (one persistent connection per virtual user, requests written as bytes, the
response read by Content-Length or chunked framing) at a fraction of that cost. It speaks real HTTP over
loopback sockets; it is not a general-purpose client (no redirects, TLS or compression).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit


class WireError(Exception):
    """The connection failed or the server answered something that is not HTTP/1.1."""


@dataclass
class Reply:
    """A response: status, lower-cased headers and the body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """Return the body parsed as JSON."""
        return json.loads(self.body)


class Connection:
    """One keep-alive connection to base_url, reopened after the server closes it or an error."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.authority = f"{self.host}:{self.port}".encode()
        self.timeout = timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
    ) -> Reply:
        """Send one request and read its whole response."""
        body = b"" if json_body is None else json.dumps(json_body).encode()
        target = f"{path}?{urlencode(params)}" if params else path
        lines = [f"{method} {target} HTTP/1.1".encode(), b"Host: " + self.authority]
        lines += [f"{k}: {v}".encode() for k, v in (headers or {}).items()]
        if json_body is not None:
            lines += [b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
        raw = b"\r\n".join(lines) + b"\r\n\r\n" + body
        try:
            return await asyncio.wait_for(self._exchange(raw), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise WireError(type(exc).__name__) from exc

    async def _exchange(self, raw: bytes) -> Reply:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(raw)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        version, status, *_ = status_line.split(" ", 2)
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not HTTP/1.x: {status_line!r}")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            body = await self._reader.read()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Reply(int(status), headers, body)

    async def _chunked(self) -> bytes:
        assert self._reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self._reader.readexactly(size + 2))
            parts[-1] = parts[-1][:-2]

    async def close(self) -> None:
        """Close the socket (the next request reconnects)."""
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None
