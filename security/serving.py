"""Shared by the harnesses that start a real `tandem serve` on loopback (kill -9 durability, load test)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import httpx


def wait_until_healthy(
    process: subprocess.Popen[bytes],
    base_url: str,
    timeout: float,
    exit_output: Callable[[], str],
    name: str,
    path: str = "/healthz",
) -> None:
    """Return once the server answers path (/healthz, or /readyz) with 200; raise with its last output if it exits
    or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{exit_output()}")
        try:
            if httpx.get(f"{base_url}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer within {timeout} s")
