"""Fuzz the REST API with schemathesis against a demo server on loopback, as a read-only user and as an admin
with a write token: no server error, no undocumented status code, no response that breaks its schema.

Usage: python -m security.fuzz_api [--examples N]   (make security runs it with 100 examples per operation)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tandem(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")} | {"TANDEM_DATA_DIR": str(home)}
    done = subprocess.run([str(BIN / "tandem"), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def _token(home: Path, user: str, *scopes: str) -> str:
    args = ["tokens", "create", "--user", user, "--name", f"fuzz-{user}", "--expires-days", "1"]
    for scope in scopes:
        args += ["--scope", scope]
    match = re.search(r"tdm_[A-Za-z0-9_-]+", _tandem(home, *args))
    if match is None:
        raise SystemExit("could not create a fuzzing token")
    return match.group(0)


def _serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")} | {"TANDEM_DATA_DIR": str(home)}
    proc = subprocess.Popen([str(BIN / "tandem"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=(home / "serve.log").open("w"))  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                # Build the (cached) OpenAPI document before the fuzzer asks for it with a short timeout.
                httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=120).raise_for_status()
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the server did not start; see {home / 'serve.log'}")


def _fuzz(port: int, token: str, examples: int, methods: list[str], report: Path) -> int:
    args = [str(BIN / "st"), "run", f"http://127.0.0.1:{port}/api/openapi.json", "-H", f"Authorization: Bearer {token}",
            "--checks", CHECKS, "--max-examples", str(examples), "--phases", "examples,coverage,fuzzing",
            "--no-color", "--seed", "1", "--report", "junit", "--report-junit-path", str(report)]  # fmt: skip
    for method in methods:
        args += ["--include-method", method]
    return subprocess.run(args, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    """Load the demo in a private folder, serve it and fuzz it; return non-zero on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation")
    parser.add_argument("--out", type=Path, default=Path("var"))
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="tandem-fuzz-"))
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        _tandem(home, "demo", "load")
        reader, writer = _token(home, "auditor", "*:read"), _token(home, "admin", "*:read", "*:write")
        port = _free_port()
        proc = _serve(home, port)
        try:
            reads = _fuzz(port, reader, args.examples, ["GET"], args.out / "fuzz-read.xml")
            writes = _fuzz(port, writer, args.examples, ["POST", "PUT", "PATCH", "DELETE"],
                           args.out / "fuzz-write.xml")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    verdict = {0: "ok"}
    print(f"API fuzzing: read-only pass {verdict.get(reads, 'FAILED')}, write pass {verdict.get(writes, 'FAILED')}")
    return 1 if reads or writes else 0


if __name__ == "__main__":
    sys.exit(main())
