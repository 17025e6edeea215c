"""Fuzz the REST API with schemathesis against a demo server on loopback, as a read-only user and as an admin
with a write token: no server error, no undocumented status code, no response that breaks its schema.

Usage: python -m security.fuzz_api [--examples N] [--part read|write|read-1|read-2|write-1|write-2|all]
(`make test` runs the four parts (two halves of each pass) with 100 examples per operation through
tests/security/test_api_fuzz.py; `make security` runs them with 1,000.)
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

from security import fuzz_seeds

BIN = Path(sys.executable).parent
RUNNER = Path(__file__).with_name("st_runner.py")
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# Requests go one at a time per worker, so with one worker the fuzzer and the server take turns on the CPU; two
# workers (threads) let one build the next request while the other waits for its answer.
WORKERS = int(os.environ.get("TANDEM_FUZZ_WORKERS", "2"))
# Coverage adds schemathesis' boundary and negative cases (~60 per operation) on top of the random examples.
ALL_PHASES = "examples,coverage,fuzzing"


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
    log = home / "serve.log"
    proc = subprocess.Popen([str(BIN / "tandem"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("w"))  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:  # say why at once rather than after the whole deadline
            raise SystemExit(f"the server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                # Build the (cached) OpenAPI document before the fuzzer asks for it with a short timeout.
                httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=120).raise_for_status()
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the server did not start:\n{log.read_text()[-2000:]}")


def _fuzz(port: int, token: str, examples: int, methods: list[str], select: list[str], report: Path, cwd: Path,
          phases: str, sends: int, targeting: bool) -> tuple[int, str]:  # fmt: skip
    seeds, _ = fuzz_seeds.seed(f"http://127.0.0.1:{port}", token, cwd / "schemathesis.toml")
    args = [sys.executable, str(RUNNER), "--config-file", str(seeds), "run", f"http://127.0.0.1:{port}/api/openapi.json",
            "-H", f"Authorization: Bearer {token}",
            "--checks", CHECKS, "--max-examples", str(examples), "--phases", phases,
            "--no-color", "--seed", "1", "--request-timeout", "120",
            "--report", "junit", "--report-junit-path", str(report), "--generation-unique-inputs",
            "--workers", str(WORKERS)]  # fmt: skip
    for method in methods:
        args += ["--include-method", method]
    args += select
    if not targeting:  # the Pareto front of targeted examples lives in the example database: none, no front
        args += ["--generation-database", "none"]
    # In the private folder: schemathesis keeps its example database in the working directory.
    env = os.environ | {"TANDEM_FUZZ_SENDS": str(sends), "TANDEM_FUZZ_TARGETING": "1" if targeting else "0"}
    done = subprocess.run(args, check=False, capture_output=True, text=True, cwd=cwd, env=env)
    output = done.stdout + done.stderr
    start = output.find("FAILURES")
    return done.returncode, output[start - 40 :] if start >= 0 else output[-3000:]


# Each distinct request goes out once on the read pass and twice on the write pass, however often the generator draws
# it (security/st_runner.py says why): before, 73 % of the reads and 39 % of the writes repeated a request already sent.
PASSES = {"read": ("auditor", ("*:read",), ["GET"], 1),
          "write": ("admin", ("*:read", "*:write"), ["POST", "PUT", "PATCH", "DELETE"], 2)}  # fmt: skip
# Each pass runs as two halves with their own demo and server, so the test suite can run them side by side: the first
# half takes these domains, the second every other operation (so together they cover the whole API, whatever is added).
FIRST_HALF = r"^/api/v1/(access|auth|compliance|data|incidents|inventory|jobs)(/|$)"
PARTS = {f"{name}-{half}": (name, half) for name in PASSES for half in (1, 2)}


def fuzz_part(part: str, examples: int, out: Path, phases: str = ALL_PHASES, targeting: bool = True) -> tuple[int, str]:
    """Load the demo in a private folder, serve it, fuzz one part (read-only user on GETs, admin on writes).

    targeting=False drops Hypothesis' search toward accepted inputs (security/st_runner.py says why).

    Returns schemathesis' exit code and the tail of its output (the failures, when there are any)."""
    name, half = PARTS[part]
    user, scopes, methods, sends = PASSES[name]
    # Exclusions, unlike inclusions (which schemathesis joins with "or" to the methods), narrow the selection.
    select = ["--exclude-path-regex", FIRST_HALF if half == 2 else f"^(?!{FIRST_HALF.removeprefix('^')})"]
    home = Path(tempfile.mkdtemp(prefix=f"tandem-fuzz-{part}-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        _tandem(home, "demo", "load")
        token = _token(home, user, *scopes)
        port = _free_port()
        proc = _serve(home, port)
        try:
            report = out / f"fuzz-{part}.xml"
            return _fuzz(port, token, examples, methods, select, report, home, phases, sends, targeting)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Fuzz the chosen parts; return non-zero on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation")
    parser.add_argument("--out", type=Path, default=Path("var"))
    parser.add_argument("--part", choices=[*PASSES, *PARTS, "all"], default="all", help="a pass, a half of one, or all")
    parser.add_argument("--phases", default=ALL_PHASES, help="schemathesis phases (default: %(default)s)")
    args = parser.parse_args(argv)
    verdicts = {}
    chosen = [p for p in PARTS if args.part in ("all", p, PARTS[p][0])]
    for part in chosen:
        code, tail = fuzz_part(part, args.examples, args.out, args.phases)
        print(tail)
        verdicts[part] = code
    print("API fuzzing: " + ", ".join(f"{p} pass {'ok' if c == 0 else 'FAILED'}" for p, c in verdicts.items()))
    return 1 if any(verdicts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
