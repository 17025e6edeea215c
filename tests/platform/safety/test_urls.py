"""SSRF: blocked targets, DNS doubles, redirects to loopback and capped fetches from local servers.

Only 127.0.0.0/8 ever receives traffic; every other address is either refused before connecting
or supplied by a monkeypatched `socket.getaddrinfo` (a DNS test double).
"""

from __future__ import annotations

import contextlib
import gzip
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tandem.platform.safety import BlockedURL, TooLarge, check_url, fetch
from tandem.platform.safety.urls import is_blocked_address

KIB = 1024
MIB = 1024 * KIB

SSRF_TARGETS = [
    "http://127.0.0.1/",
    "http://127.0.0.2:8080/admin",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[2002:7f00:1::]/",
    "http://0.0.0.0/",
    "http://[::]/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/",
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
    "http://user@host.example/",
    "http://user:pass@127.0.0.1/",
    "http://example.com\\@127.0.0.1/",
    "http://example.com\t.evil/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:70/_GET",
    "ftp://127.0.0.1/",
    "dict://127.0.0.1:11211/",
    "//127.0.0.1/",
    "http:///nohost",
    "http://[::1/",
    "http://127.0.0.1:0/",
    "http://127.0.0.1:99999/",
]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True
    drip: float = 0.0


@dataclass
class Server:
    port: int
    routes: dict[str, Route]
    hits: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.origin}{path}"


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server.hits.append((self.path, self.headers.get("Host")))
            route = server.routes.get(self.path, Route(status=404))
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._write(route)

        def _write(self, route: Route) -> None:
            if not route.drip:
                self.wfile.write(route.body)
                return
            for byte in route.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(route.drip)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Route]], Server]]:
    running: list[ThreadingHTTPServer] = []

    def start(routes: dict[str, Route]) -> Server:
        server = Server(port=0, routes=routes)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
        httpd.daemon_threads = True
        server.port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        running.append(httpd)
        return server

    yield start
    for httpd in running:
        httpd.shutdown()
        httpd.server_close()


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer made-up names from `answers`; let only loopback literals through to the real resolver."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host in answers:
            calls.append(host)
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
                if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in answers[host]
            ]
        if host in ("127.0.0.1", "localhost", "::1"):
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "test DNS: unknown name")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


@pytest.mark.asvs("V1.3.6")
@pytest.mark.parametrize("url", SSRF_TARGETS)
def test_check_url_blocks_ssrf_targets(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {})
    with pytest.raises(BlockedURL) as err:
        check_url(url)
    assert err.value.location


@pytest.mark.asvs("V1.3.6")
@pytest.mark.parametrize("url", ["http://127.0.0.1:1/", "http://0x7f000001/", "file:///etc/passwd"])
def test_fetch_refuses_before_connecting(url: str) -> None:
    with pytest.raises(BlockedURL):
        fetch(url, max_bytes=KIB, timeout=1.0)


@pytest.mark.asvs("V1.3.6")
@pytest.mark.parametrize(
    "answers",
    [["10.1.2.3"], ["93.184.216.34", "127.0.0.1"], ["::ffff:10.0.0.1"], ["169.254.169.254"], ["fc00::5"]],
    ids=["private", "any-of-many", "mapped-v6", "metadata", "ula"],
)
def test_dns_answers_with_any_private_address_are_blocked(answers: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_dns(monkeypatch, {"rebind.test": answers})
    with pytest.raises(BlockedURL, match="non-public"):
        check_url("https://rebind.test/feed")
    assert calls == ["rebind.test"]


@pytest.mark.asvs("V1.3.6")
def test_public_name_is_resolved_once_and_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_dns(monkeypatch, {"feeds.test": ["93.184.216.34", "2606:2800:220:1::1"]})
    resolved = check_url("https://Feeds.Test/v1/cves?since=2024")
    assert calls == ["feeds.test"]
    assert (resolved.host, resolved.ip, resolved.port) == ("feeds.test", "93.184.216.34", 443)
    assert resolved.connect_url == "https://93.184.216.34:443/v1/cves?since=2024"
    assert resolved.host_header == "feeds.test"
    assert not resolved.allow_listed


@pytest.mark.asvs("V1.3.6")
def test_allow_list_is_per_host_and_port() -> None:
    assert check_url("http://127.0.0.1:8080/", allow_hosts={"127.0.0.1:8080"}).allow_listed
    assert check_url("http://[::1]:8080/", allow_hosts={"[::1]:8080"}).ip == "::1"
    with pytest.raises(BlockedURL):
        check_url("http://127.0.0.1:8081/", allow_hosts={"127.0.0.1:8080"})
    with pytest.raises(BlockedURL):
        check_url("http://0x7f000001:8080/", allow_hosts={"127.0.0.1:8080"})


@pytest.mark.asvs("V1.3.6")
@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "100.100.1.1",
        "169.254.1.1",
        "224.0.0.251",
        "240.0.0.1",
        "::1",
        "fec0::1",
        "2001:db8::1",
        "64:ff9b::a00:1",
        "2001:0:4136:e378:8000:63bf:80ff:fffe",
        "::ffff:192.168.0.1",
    ],
)
def test_is_blocked_address_covers_special_ranges(address: str) -> None:
    import ipaddress

    assert is_blocked_address(ipaddress.ip_address(address))


def test_is_blocked_address_allows_public_unicast() -> None:
    import ipaddress

    assert not is_blocked_address(ipaddress.ip_address("93.184.216.34"))
    assert not is_blocked_address(ipaddress.ip_address("2606:2800:220:1::1"))


@pytest.mark.asvs("V1.3.6", "V15.3.2")
def test_redirect_to_non_allow_listed_loopback_is_blocked(
    serve: Callable[[dict[str, Route]], Server],
) -> None:
    other = serve({"/": Route(body=b"internal secret")})
    main = serve({"/start": Route(status=302, headers={"Location": f"http://127.0.0.1:{other.port}/"})})
    with pytest.raises(BlockedURL, match=re.escape(f"127.0.0.1:{other.port}")):
        fetch(main.url("/start"), allow_hosts={main.origin}, max_bytes=KIB, timeout=5.0)
    assert [path for path, _ in main.hits] == ["/start"]
    assert other.hits == []


@pytest.mark.asvs("V1.3.6")
@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "//127.0.0.1:1/",
    ],
)
def test_redirects_to_forbidden_targets_are_blocked(location: str, serve: Callable[[dict[str, Route]], Server]) -> None:
    main = serve({"/go": Route(status=301, headers={"Location": location})})
    with pytest.raises(BlockedURL):
        fetch(main.url("/go"), allow_hosts={main.origin}, max_bytes=KIB, timeout=5.0)


@pytest.mark.asvs("V1.3.6")
def test_redirect_loops_stop_after_five_hops(serve: Callable[[dict[str, Route]], Server]) -> None:
    main = serve({"/loop": Route(status=307, headers={"Location": "/loop"})})
    with pytest.raises(BlockedURL, match="more than 5 redirects"):
        fetch(main.url("/loop"), allow_hosts={main.origin}, max_bytes=KIB, timeout=5.0)
    assert len(main.hits) == 6


@pytest.mark.asvs("V1.3.6")
def test_fetch_from_allow_listed_loopback_with_relative_redirect(
    serve: Callable[[dict[str, Route]], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A dead proxy in the environment proves trust_env=False: using it would fail the fetch.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    main = serve({"/old": Route(status=302, headers={"Location": "/data"}), "/data": Route(body=b"a" * 1000)})
    assert fetch(main.url("/old"), allow_hosts={main.origin}, max_bytes=1000, timeout=5.0) == b"a" * 1000
    assert main.hits == [("/old", main.origin), ("/data", main.origin)]


@pytest.mark.asvs("V1.3.6")
def test_fetch_connects_to_the_checked_ip_with_the_original_host(
    serve: Callable[[dict[str, Route]], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    main = serve({"/feed": Route(body=b"ok")})
    calls = fake_dns(monkeypatch, {"rebind.test": ["127.0.0.1"]})
    url = f"http://rebind.test:{main.port}/feed"
    assert fetch(url, allow_hosts={f"rebind.test:{main.port}"}, max_bytes=KIB, timeout=5.0) == b"ok"
    assert calls == ["rebind.test"]
    assert main.hits == [("/feed", f"rebind.test:{main.port}")]


class Body(httpx.SyncByteStream):
    """A response body that is streamed like a real socket's, not pre-read like `content=`."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"feed"


@pytest.mark.asvs("V1.3.6")
def test_https_fetch_pins_ip_and_keeps_sni_and_host(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(url=str(request.url), host=request.headers["host"], sni=request.extensions.get("sni_hostname"))
        return httpx.Response(200, stream=Body())

    real_client = httpx.Client

    def client(**kwargs: Any) -> httpx.Client:
        seen.update(kwargs)
        return real_client(transport=httpx.MockTransport(handler), **kwargs)

    monkeypatch.setattr(httpx, "Client", client)
    fake_dns(monkeypatch, {"feeds.test": ["93.184.216.34"]})
    assert fetch("https://feeds.test/v1?x=1", max_bytes=KIB) == b"feed"
    assert seen["url"] == "https://93.184.216.34/v1?x=1"
    assert (seen["host"], seen["sni"]) == ("feeds.test", "feeds.test")
    assert (seen["trust_env"], seen["follow_redirects"]) == (False, False)


@pytest.mark.asvs("V5.2.1")
@pytest.mark.parametrize(
    "route",
    [
        Route(body=b"b" * MIB),
        Route(body=b"b" * MIB, send_length=False),
        Route(body=gzip.compress(bytes(20 * MIB)), headers={"Content-Encoding": "gzip"}),
    ],
    ids=["declared-length", "close-delimited", "gzip-bomb"],
)
def test_fetch_caps_response_size(route: Route, serve: Callable[[dict[str, Route]], Server]) -> None:
    main = serve({"/big": route})
    with pytest.raises(TooLarge):
        fetch(main.url("/big"), allow_hosts={main.origin}, max_bytes=100 * KIB, timeout=5.0)


def test_fetch_enforces_a_total_deadline_against_slow_drip(
    serve: Callable[[dict[str, Route]], Server],
) -> None:
    main = serve({"/drip": Route(body=b"z" * 50, drip=0.1)})
    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException):
        fetch(main.url("/drip"), allow_hosts={main.origin}, max_bytes=KIB, timeout=1.0)
    assert time.monotonic() - started < 3


def test_fetch_raises_for_http_errors(serve: Callable[[dict[str, Route]], Server]) -> None:
    main = serve({})
    with pytest.raises(httpx.HTTPStatusError):
        fetch(main.url("/missing"), allow_hosts={main.origin}, max_bytes=KIB, timeout=5.0)
