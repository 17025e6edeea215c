"""Kill -9 durability harness: concurrent writers through the REST API while the server is killed and restarted.

    python -m security.durability [--rounds 20] [--writers 8] [--backend sqlite|postgres|both]

A write counts as acknowledged only when the client received a 2xx with the new record's id. After the last
round every acknowledged record must be in the database with its audit entry, SQLite's `PRAGMA
integrity_check` must answer ok and `tandem audit verify` must pass. PostgreSQL runs when
TANDEM_TEST_POSTGRES_URL names a server (a throwaway database is created and dropped).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, make_url, text

from security.serving import wait_until_healthy

TANDEM = str(Path(sys.executable).with_name("tandem"))
ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "TANDEM_TEST_POSTGRES_URL"
WRITE_PATH = "/api/v1/auth/org-units"


@dataclass
class Result:
    """What one run saw and verified."""

    backend: str
    rounds: int = 0
    kills: int = 0
    acknowledged: list[str] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)
    integrity: str = "not checked"
    audit_verify: str = "not run"
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Return whether nothing acknowledged was lost and every check passed."""
        return not self.lost and not self.unaudited and self.integrity in ("ok", "n/a") and self.audit_verify == "ok"

    def summary(self) -> str:
        """Return the printed summary."""
        seen = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"durability [{self.backend}]: {self.rounds} rounds, {self.kills} kills, "
            f"{len(self.acknowledged)} acknowledged writes, lost {len(self.lost)}, records without audit entry "
            f"{len(self.unaudited)}, integrity {self.integrity}, audit verify {self.audit_verify}, "
            f"{self.seconds:.1f} s\n  client outcomes: {seen}"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(database: Any) -> tuple[str, str]:
    """Create an organisation and an administrator with a write token; return (token, root unit id).

    Runs in whichever process holds the server's keys (its TANDEM_DATA_DIR), since tokens are keyed digests.
    """
    from tandem.platform.auth import service, tokens
    from tandem.platform.db.uow import unit_of_work

    with unit_of_work(database) as session:
        root = service.create_unit(session, None, "Durability", None)
        user, _ = service.create_user(session, None, f"writer-{secrets.token_hex(3)}", password=secrets.token_hex(16))
        service.grant_role(session, None, user.id, "admin", root.id)
        _, secret = tokens.new_token(session, user, "writers", ["*:write"], None)
        return secret, str(root.id)


_PREPARE_CHILD = """
import sys
from tandem.app import register
from tandem.domains import load_manifests
from tandem.platform.db import migrate
from tandem.platform.db.uow import get_database
from security.durability import prepare
register(load_manifests())
db = get_database()
migrate.upgrade(db.engine)
print(*prepare(db))
"""


class Instance:
    """A database and data folder served by a real `tandem serve` that the harness starts and kills."""

    def __init__(self, folder: Path, database_url: str, data_dir: Path | None = None) -> None:
        self.database_url, self.port = database_url, _free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
        self.env.update(
            TANDEM_DATA_DIR=str(data_dir or folder), TANDEM_DATABASE_URL=database_url,
            TANDEM_AUDIT_CHECKPOINT_DIR=str(folder), TANDEM_LOG_LEVEL="WARNING",
            TANDEM_DATABASE_REQUIRE_AUTH="false",  # the test PostgreSQL trusts loopback connections
        )  # fmt: skip
        self.checkpoints = folder / "audit-checkpoints.jsonl"
        self.process: subprocess.Popen[bytes] | None = None
        self.token, self.root = "", ""

    def prepare_in_child(self) -> None:
        """Migrate the database and create the writers' administrator in a child process with the server's env."""
        done = subprocess.run(
            [sys.executable, "-c", _PREPARE_CHILD], env=self.env, cwd=ROOT, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"could not prepare the database:\n{done.stderr[-2000:]}")
        self.token, self.root = done.stdout.split()[-2:]

    @property
    def base_url(self) -> str:
        """Return the server's address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> None:
        """Start `tandem serve` and wait until it answers /healthz."""
        self.process = subprocess.Popen(
            [TANDEM, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

        def exit_output() -> str:
            return (self.process.stderr.read().decode() if self.process and self.process.stderr else "")[-2000:]

        wait_until_healthy(self.process, self.base_url, timeout, exit_output, "tandem serve")

    def kill(self) -> None:
        """SIGKILL the server: no shutdown handler, no flush, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """Stop the server politely (after the run)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


def _writer(instance: Instance, result: Result, lock: threading.Lock, stop: threading.Event) -> None:
    """Create org units until told to stop; record the id of each write the server acknowledged."""
    headers = {"Authorization": f"Bearer {instance.token}"}
    with httpx.Client(base_url=instance.base_url, headers=headers, timeout=30) as client:
        while not stop.is_set():
            body = {"name": f"unit-{uuid.uuid4().hex[:12]}", "parent_id": instance.root}
            try:
                response = client.post(WRITE_PATH, json=body)
            except httpx.HTTPError as exc:
                outcome = f"no answer ({type(exc).__name__})"
                time.sleep(0.2)  # the server is down (or restarting): try again shortly
            else:
                outcome = str(response.status_code)
                if 200 <= response.status_code < 300:
                    with lock:
                        result.acknowledged.append(response.json()["id"])
            with lock:
                result.statuses[outcome] += 1


def hammer(instance: Instance, backend: str, rounds: int, writers: int, window: tuple[float, float]) -> Result:
    """Start the server, run the writers, kill -9 and restart it `rounds` times, stop; return what was seen."""
    result, lock, stop = Result(backend), threading.Lock(), threading.Event()
    started = time.monotonic()
    instance.start()
    threads = [
        threading.Thread(target=_writer, args=(instance, result, lock, stop), daemon=True) for _ in range(writers)
    ]
    for thread in threads:
        thread.start()
    rng = random.Random(secrets.randbits(32))  # picks kill moments, not secrets
    try:
        for _ in range(rounds):
            time.sleep(rng.uniform(*window))
            instance.kill()
            result.kills += 1
            instance.start()
            result.rounds += 1
        time.sleep(window[0])
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        instance.stop()
    result.seconds = time.monotonic() - started
    return result


def verify(instance: Instance, result: Result, cli: bool = True) -> None:
    """Every acknowledged id is present and audited; the file is sound; the audit chain verifies.

    cli=True runs `tandem audit verify`; cli=False runs the same check in this process (it must hold the keys).
    """
    engine = create_engine(instance.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, name FROM org_units")).all()
            stored = {str(uuid.UUID(str(i))) for i, _ in rows}
            written = {str(uuid.UUID(str(i))) for i, name in rows if name.startswith("unit-")}
            audited = {
                str(v)
                for v in conn.execute(
                    text("SELECT entity_id FROM audit_entries WHERE entity_type = 'org_units' AND action = 'create'")
                ).scalars()
            }
    finally:
        engine.dispose()
    result.lost = [i for i in result.acknowledged if i not in stored]
    # Writes cut short by a kill are either wholly there (record and audit entry) or wholly absent.
    result.unaudited = sorted(written - audited)
    if instance.database_url.startswith("sqlite"):
        path = make_url(instance.database_url).database
        with sqlite3.connect(str(path)) as conn:
            result.integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    else:
        result.integrity = "n/a"
    if not cli:
        result.audit_verify = _verify_in_process(instance)
        return
    check = subprocess.run(
        [TANDEM, "audit", "verify"], env=instance.env, capture_output=True, text=True, timeout=600, check=False
    )
    result.audit_verify = "ok" if check.returncode == 0 else f"FAILED: {(check.stdout + check.stderr).strip()[-500:]}"


def _verify_in_process(instance: Instance) -> str:
    from tandem.platform.audit.verify import load_checkpoint_file, verify_chain
    from tandem.platform.config import get_settings
    from tandem.platform.db.engine import make_engine
    from tandem.platform.db.uow import Database, unit_of_work

    database = Database(make_engine(instance.database_url))
    try:
        with unit_of_work(database, readonly=True) as session:
            report = verify_chain(session, get_settings().key("audit"), load_checkpoint_file(instance.checkpoints))
    finally:
        database.engine.dispose()
    return "ok" if report.ok else f"FAILED: {report.summary()}"


def _run(folder: Path, url: str, backend: str, rounds: int, writers: int, window: tuple[float, float]) -> Result:
    instance = Instance(folder, url)
    instance.prepare_in_child()
    result = hammer(instance, backend, rounds, writers, window)
    verify(instance, result)
    return result


def _postgres_database() -> tuple[str, str, str] | None:
    """Create a throwaway database on the configured server; return (url, admin url, name) or None."""
    if not os.environ.get(PG_ENV):
        return None
    admin = make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg")
    admin_url = admin.render_as_string(hide_password=False)
    name = f"tandem_durability_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False), admin_url, name


def _drop_postgres(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def run_backends(backends: list[str], rounds: int, writers: int, window: tuple[float, float]) -> list[Result]:
    """Run the harness on each backend (PostgreSQL only when configured); return the results."""
    results = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix="tandem-durability-") as tmp:
            folder = Path(tmp)
            if backend == "sqlite":
                results.append(_run(folder, f"sqlite:///{folder / 'tandem.db'}", backend, rounds, writers, window))
                continue
            made = _postgres_database()
            if made is None:
                print(f"durability [postgres]: skipped ({PG_ENV} is not set)")
                continue
            url, admin_url, name = made
            try:
                results.append(_run(folder, url, backend, rounds, writers, window))
            finally:
                _drop_postgres(admin_url, name)
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, print the summaries; exit 1 if anything acknowledged was lost or a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20, help="server kills per backend")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer threads")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--min-up", type=float, default=1.0, help="shortest time between restart and kill (s)")
    parser.add_argument("--max-up", type=float, default=4.0, help="longest time between restart and kill (s)")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = run_backends(backends, args.rounds, args.writers, (args.min_up, args.max_up))
    for result in results:
        print(result.summary())
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
