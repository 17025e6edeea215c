"""The sample organisation as its users see it: `tandem demo load`, a real server, and a crawl of every page
each role can reach — no server error, and no link that leads to a page the same user cannot open."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.cli import TANDEM, run
from tests.support.live import free_port

MAX_PAGES = 250
SKIP = ("/static", "/logout", "/api/openapi", "/favicon")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("demo")
    loaded = run(home, "demo", "load")
    assert loaded.returncode == 0, loaded.stderr
    logins = {u: p for u, _, p in (line.split("\t") for line in (home / "demo-logins.txt").read_text().splitlines())}
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")} | {"TANDEM_DATA_DIR": str(home)}
    proc = subprocess.Popen(
        [TANDEM, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=(home / "serve.log").open("w"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base, logins
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _sign_in(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert csrf is not None
    response = client.post("/login", data={"csrf_token": csrf.group(1), "username": username, "password": password})
    assert response.status_code == 303
    return client


@pytest.mark.parametrize("username", ["cio", "ciso", "viewer"])
def test_every_reachable_page_renders(demo: tuple[str, dict[str, str]], username: str) -> None:
    base, logins = demo
    client = _sign_in(base, username, logins[username])
    queue, seen, broken = ["/home/cio", "/home/ciso", "/home/joint"], set(), []
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500 or response.status_code in (404, 422):
            broken.append(f"{path} → {response.status_code}")
        if response.status_code == 200 and response.headers.get("content-type", "").startswith("text/html"):
            links = re.findall(r'href="(/[^"#]*)"', response.text)
            queue += [link for link in links if not link.startswith(SKIP) and "export" not in link and link not in seen]
    assert len(seen) > 40, f"only {len(seen)} pages reachable"
    assert broken == [], broken


def test_the_demo_shows_a_known_exploited_vulnerability_first(demo: tuple[str, dict[str, str]]) -> None:
    base, logins = demo
    client = _sign_in(base, "ciso", logins["ciso"])
    response = client.get("/api/v1/vulnerabilities/findings", params={"kev": "true", "limit": "200"})
    assert response.status_code == 200, response.text
    kev = response.json()["items"]
    assert {f["cve_id"] for f in kev} >= {"CVE-2023-4863"}
    assert len(kev) >= 50  # Chrome before 116.0.5845.187 on every Windows 11 workstation
