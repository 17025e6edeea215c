"""Outbound URL guard: resolve once, refuse non-public addresses, and fetch the pinned IP."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import httpx

from tandem.platform.config import get_settings
from tandem.platform.resolver import ResolveError, resolve_addresses

from .archives import gunzip_limited
from .errors import BlockedURL, TooLarge, UnsafeInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_SCHEMES = frozenset({"https", "http"})
MAX_REDIRECTS = 5
MAX_URL_LENGTH = 2048
_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Control characters, spaces and backslashes are silently rewritten by some URL parsers and not
# others; refusing them removes the parser-differential tricks they enable.
_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
# WHATWG treats a host whose last label is numeric as IPv4, and inet_aton accepts octal, hex and
# short forms (0177.0.0.1, 0x7f000001, 2130706433, 127.1); only canonical dotted quads are allowed.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)
# RFC 9110 token characters for names; no control characters (CR/LF header injection) in values.
_BAD_HEADER = re.compile(r"[^!#$%&'*+.^_`|~0-9A-Za-z-]|^$")
_BAD_HEADER_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class ResolvedURL:
    """A URL that passed the guard, pinned to the single IP address it was checked against."""

    url: str
    scheme: str
    host: str
    port: int
    ip: str
    target: str
    allow_listed: bool

    @property
    def connect_url(self) -> str:
        """Return the URL to request, with the checked IP in place of the host name."""
        ip = f"[{self.ip}]" if ":" in self.ip else self.ip
        return f"{self.scheme}://{ip}:{self.port}{self.target}"

    @property
    def host_header(self) -> str:
        """Return the Host header value the server expects for the original URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if _DEFAULT_PORTS.get(self.scheme) == self.port else f"{host}:{self.port}"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [v4 for v4 in (ip.ipv4_mapped, ip.sixtofour) if v4 is not None]
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_blocked_address(ip: IPAddress) -> bool:
    """Return True if `ip` (or an IPv4 address embedded in it) is not a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if any(is_blocked_address(v4) for v4 in _embedded_ipv4(ip)):
            return True
        if ip.is_site_local:
            return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT)
    )


def _split(url: str, allowed_schemes: frozenset[str] | set[str]) -> tuple[SplitResult, str, int]:
    if len(url) > MAX_URL_LENGTH:
        raise BlockedURL(f"URL is longer than {MAX_URL_LENGTH} characters", url[:100])
    if _BAD_URL_CHARS.search(url):
        raise BlockedURL("URL contains whitespace, control characters or backslashes", url)
    try:
        parts = urlsplit(url)
        explicit_port = parts.port
    except ValueError as exc:
        raise BlockedURL(f"malformed URL: {exc}", url) from exc
    scheme = parts.scheme.lower()
    if scheme not in allowed_schemes or scheme not in _DEFAULT_PORTS:
        raise BlockedURL(f"scheme {scheme or '(none)'!r} is not allowed", url)
    if "@" in parts.netloc:
        raise BlockedURL("URLs with credentials (user@host) are not allowed", url)
    if explicit_port == 0:
        raise BlockedURL("port 0 is not allowed", url)
    return parts, scheme, explicit_port or _DEFAULT_PORTS[scheme]


def _normalise_host(hostname: str | None, url: str) -> tuple[str, IPAddress | None]:
    host = (hostname or "").rstrip(".")
    if not host:
        raise BlockedURL("URL has no host", url)
    if ":" not in host:
        # IDNA first: NFKC maps fullwidth digits and dots onto ASCII ones that inet_aton would accept.
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise BlockedURL(f"invalid host name {host!r}", url) from exc
    try:
        return host, ipaddress.ip_address(host)
    except ValueError:
        pass
    if ":" in host or _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        raise BlockedURL(f"ambiguous numeric host {host!r}", url)
    return host, None


def _resolve(host: str, literal: IPAddress | None, port: int, url: str) -> list[IPAddress]:
    if literal is not None:
        return [literal]
    try:
        return resolve_addresses(host, port)
    except ResolveError as exc:
        raise BlockedURL(str(exc), url) from exc


def _allow_listed(host: str, port: int, allow_hosts: frozenset[str] | set[str]) -> bool:
    wanted = {entry.lower().rstrip(".") for entry in allow_hosts}
    bracketed = f"[{host}]" if ":" in host else host
    return bool(wanted & {host, bracketed, f"{bracketed}:{port}"})


def parse_allowlist(text: str) -> frozenset[str]:
    """Return the entries of a comma-separated outbound allowlist, normalised (lower case, IDNA, no final dot)."""
    entries = set()
    for raw in text.split(","):
        entry = raw.strip().lower().rstrip(".")
        if not entry:
            continue
        wildcard = entry.startswith(("*.", "."))
        name = entry.split(".", 1)[1] if entry.startswith("*.") else entry.lstrip(".")
        if ":" not in name:
            # An entry that is no host name can match nothing; it is kept so the setting reads as given.
            with contextlib.suppress(UnicodeError):
                name = name.encode("idna").decode("ascii")
        entries.add(f".{name}" if wildcard else name)
    return frozenset(entries)


def on_allowlist(host: str, port: int, allowlist: frozenset[str]) -> bool:
    """Return whether host (or host:port) is listed: `name` is that host only, `*.name`/`.name` the domain and
    every host under it."""
    bracketed = f"[{host}]" if ":" in host else host
    if {host, bracketed, f"{bracketed}:{port}"} & allowlist:
        return True
    labels = host.split(".")
    return any(f".{'.'.join(labels[i:])}" in allowlist for i in range(len(labels)))


def server_allowlist() -> frozenset[str]:
    """Return the operator's outbound allowlist (TANDEM_OUTBOUND_ALLOWLIST); empty = any public host."""
    return parse_allowlist(get_settings().outbound_allowlist)


def check_url(
    url: str,
    allow_hosts: frozenset[str] | set[str] = frozenset(),
    allowed_schemes: frozenset[str] | set[str] = DEFAULT_SCHEMES,
) -> ResolvedURL:
    """Validate an outbound URL, resolve its host once and refuse any non-public address.

    When the operator set an allowlist (TANDEM_OUTBOUND_ALLOWLIST) a host not on it is refused before it is even
    resolved; the address checks still apply to the hosts it lists. Every outbound request in Tandem (feeds,
    SSO, SCIM, database sources) comes through here, which makes this the one choke point (ASVS V13.2.4/5).
    """
    parts, scheme, port = _split(url, allowed_schemes)
    host, literal = _normalise_host(parts.hostname, url)
    allowlist = server_allowlist()
    if allowlist and not on_allowlist(host, port, allowlist):
        raise BlockedURL(f"{host} is not on the outbound allowlist (TANDEM_OUTBOUND_ALLOWLIST)", url)
    addresses = _resolve(host, literal, port, url)
    allowed = _allow_listed(host, port, allow_hosts)
    if not allowed:
        for address in addresses:
            if is_blocked_address(address):
                raise BlockedURL(f"{host} resolves to non-public address {address}", url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return ResolvedURL(url, scheme, host, port, str(addresses[0]), target, allowed)


@dataclass(frozen=True)
class FetchedResponse:
    """What `get` returns: the final URL, its status, its headers and its (capped) body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


@contextmanager
def _request(
    client: httpx.Client, target: ResolvedURL, extra: dict[str, str] | None = None
) -> Iterator[httpx.Response]:
    # The caller's headers cannot replace Host or ask for an encoding we would not cap.
    headers = {**(extra or {}), "Host": target.host_header, "Accept-Encoding": "identity"}
    # Connect to the IP we checked; SNI and certificate checks still use the original name.
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    with client.stream("GET", target.connect_url, headers=headers, extensions=extensions) as response:
        yield response


def _read_body(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"response declares {declared} bytes, limit is {max_bytes}", url)
    parts: list[bytes] = []
    total = 0
    # No chunk_size: a re-chunker would buffer a slow drip and hide it from the deadline check.
    for chunk in response.iter_raw():
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(f"response exceeds {max_bytes} bytes", url)
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout(f"fetching {url} took too long")
        parts.append(chunk)
    raw = b"".join(parts)
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        # Decode ourselves so a compressed body is capped too.
        return gunzip_limited(raw, url, max_bytes)
    if encoding not in ("", "identity"):
        raise UnsafeInput(f"unsupported Content-Encoding {encoding!r}", url)
    return raw


def fetch(
    url: str,
    *,
    allow_hosts: frozenset[str] | set[str] = frozenset(),
    max_bytes: int,
    timeout: float = 10.0,
    max_redirects: int = MAX_REDIRECTS,
) -> bytes:
    """GET a URL through the guard, re-checking every redirect and capping size and total time."""
    deadline = time.monotonic() + timeout
    current = url
    # trust_env=False: environment proxies would connect on our behalf to addresses we never checked.
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout) as client:
        for _ in range(max_redirects + 1):
            target = check_url(current, allow_hosts)
            with _request(client, target) as response:
                location = response.headers.get("location")
                if response.status_code not in _REDIRECTS or not location:
                    response.raise_for_status()
                    return _read_body(response, current, max_bytes, deadline)
            current = urljoin(current, location)
    raise BlockedURL(f"more than {max_redirects} redirects", url)


def _origin(target: ResolvedURL) -> tuple[str, str, int]:
    return target.scheme, target.host, target.port


def get(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    allow_hosts: frozenset[str] | set[str] = frozenset(),
    max_bytes: int,
    timeout: float = 10.0,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchedResponse:
    """GET a URL through the guard with request headers and return status, headers and body for any status.

    Every redirect is re-checked; the caller's headers (API keys) go to the first origin only and are dropped
    when a redirect leads elsewhere. Error bodies are capped like any other.
    """
    for name, value in (headers or {}).items():
        if _BAD_HEADER.search(name) or _BAD_HEADER_VALUE.search(value):
            raise BlockedURL(f"request header {name!r} contains characters that are not allowed", url)
    deadline = time.monotonic() + timeout
    current, first = url, None
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout) as client:
        for _ in range(max_redirects + 1):
            target = check_url(current, allow_hosts)
            first = first or _origin(target)
            extra = headers if _origin(target) == first else None
            with _request(client, target, extra) as response:
                location = response.headers.get("location")
                if response.status_code not in _REDIRECTS or not location:
                    body = _read_body(response, current, max_bytes, deadline)
                    return FetchedResponse(current, response.status_code, response.headers, body)
            current = urljoin(current, location)
    raise BlockedURL(f"more than {max_redirects} redirects", url)
