"""Browser-test fixtures: a real `tandem serve` subprocess on loopback and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from security.serving import wait_until_healthy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TANDEM = Path(sys.executable).with_name("tandem")


@dataclass(frozen=True)
class Server:
    """A running Tandem server and the credentials printed by `tandem init`."""

    base_url: str
    one_time_password: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """Initialise a fresh organisation in a temp dir and serve it with `tandem serve`, as a user would."""
    # The journeys test sign-in without a second step (tests/platform/test_mfa.py covers two-step sign-in).
    env = {**os.environ, "TANDEM_DATA_DIR": str(tmp_path), "TANDEM_MFA_REQUIRED_ROLES": ""}
    env.pop("TANDEM_DATABASE_URL", None)
    init = subprocess.run(
        [str(TANDEM), "init", "--org", "Journey Org"], env=env, capture_output=True, text=True, timeout=180
    )
    assert init.returncode == 0, f"`tandem init` failed ({init.returncode}):\n{init.stdout}{init.stderr}"
    line = next((x for x in init.stdout.splitlines() if "one-time password" in x), "")
    password = line.split()[-1] if line else ""
    assert password and not password.endswith(":"), f"no one-time password in `tandem init` output:\n{init.stdout}"
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(TANDEM), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(
            proc, base_url, 120, lambda: (tmp_path / "serve.log").read_text(errors="replace"), "tandem serve"
        )
        yield Server(base_url, password)
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; skipped (not failed) when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; run `make test` (it installs Debian's chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (no cookies) whose relative URLs point at the server."""
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()
