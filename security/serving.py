"""Shared by the harnesses that start a real `tandem serve` on loopback (kill -9 durability, load test)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

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


ESTABLISHED, LISTENING = "01", "0A"  # TCP states as /proc/net/tcp writes them


def socket_inodes(pid: int) -> set[int]:
    """Return the inodes of the sockets a process holds open (empty once it has gone)."""
    found = set()
    with suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    found.add(int(target[8:-1]))
    return found


def tcp_inodes(port: int, state: str) -> set[int]:
    """Return the inodes of IPv4 sockets on local port `port` in a /proc/net/tcp state (ESTABLISHED, LISTENING)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            found.add(int(fields[9]))
    return found
