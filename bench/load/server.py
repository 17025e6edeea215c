"""The server under load: a throwaway database with Northwind Health, served the way `make demo` serves it.

The server is `tandem serve --workers N` as an operator runs it: N server processes sharing the port (uvicorn's
multi-process supervisor), the job worker in the supervising process.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from security.serving import ESTABLISHED, LISTENING, socket_inodes, tcp_inodes, wait_until_healthy
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[2]
TANDEM = str(Path(sys.executable).with_name("tandem"))
PG_ENV = "TANDEM_TEST_POSTGRES_URL"

# Runs with the server's environment: its keys sign the token digest and the session row.
_CREDENTIALS_CHILD = """
import sys
from tandem.app import register
from tandem.domains import load_manifests
from tandem.platform.auth import sessions, tokens
from tandem.platform.auth.models import User
from tandem.platform.db.uow import get_database, unit_of_work
from sqlalchemy import select
register(load_manifests())
with unit_of_work(get_database()) as session:
    user = session.scalars(select(User).where(User.username == sys.argv[1])).one()
    _, secret = tokens.new_token(session, user, "load test", ["*:write"], None)
    new = sessions.start_session(session, user, "127.0.0.1", "bench.load")
    print(secret, new.cookie_value, new.row.csrf_token)
"""


# Runs with the server's environment. The first start of a server runs every periodic job at once (daily and hourly
# jobs that have never run): a burst that holds the SQLite writer lock for seconds. The load is measured after it.
_SETTLE_CHILD = """
import sys, time
from tandem.platform.db.types import utcnow
from tandem.platform.db.uow import get_database, unit_of_work
from tandem.platform.jobs.models import Job
from sqlalchemy import and_, func, or_, select
started = idle_since = time.monotonic()
while time.monotonic() - started < float(sys.argv[1]):
    due = and_(Job.status == "queued", Job.run_after <= utcnow())
    with unit_of_work(get_database(), readonly=True) as session:
        busy = session.scalar(select(func.count()).select_from(Job).where(or_(Job.status == "running", due)))
    if busy:
        idle_since = time.monotonic()
    elif time.monotonic() - idle_since >= float(sys.argv[2]):
        break
    time.sleep(0.25)
print(f"{idle_since - started:.1f}")
"""


@dataclass
class Credentials:
    """How the load driver signs in: an API token, and a web session with its CSRF token."""

    token: str
    cookie: str
    csrf: str


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


class Server:
    """A data folder and database with the demo loaded, and the server processes that serve it."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder, self.port = folder, free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
        self.env.update(
            TANDEM_DATA_DIR=str(folder), TANDEM_DATABASE_URL=database_url, TANDEM_LOG_LEVEL="WARNING",
            TANDEM_HOST="127.0.0.1", TANDEM_PORT=str(self.port),
            TANDEM_DATABASE_REQUIRE_AUTH="false",  # the benchmark PostgreSQL trusts loopback connections
        )  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Return the server's address."""
        return f"http://127.0.0.1:{self.port}"

    def prepare(self, username: str) -> Credentials:
        """Upgrade the database and load the demo as `make demo` does; sign `username` in."""
        _run([TANDEM, "db", "upgrade"], self.env)
        _run([TANDEM, "demo", "load"], self.env)
        token, cookie, csrf = _run([sys.executable, "-c", _CREDENTIALS_CHILD, username], self.env).split()[-3:]
        return Credentials(token, cookie, csrf)

    def start(self, workers: int, timeout: float = 180, profile: str | None = None) -> None:
        """Start the server with `workers` processes (or one under the profiler) and wait until it answers /healthz."""
        env = self.env
        if profile:
            args = [sys.executable, "-m", "bench.load.profile"]
            env = {**env, "BENCH_LOAD_PROFILE_MODE": profile}
        else:
            args = [TANDEM, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        log = (self.folder / f"server-{workers}.log").open("wb")
        self.process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

        def exit_output() -> str:
            log.close()
            return self.log_tail(workers)

        wait_until_healthy(self.process, self.base_url, timeout, exit_output, "server")

    def settle(self, timeout: float = 120.0, quiet: float = 3.0) -> float:
        """Wait until the job queue has been empty for `quiet` seconds (start-up periodic jobs done); return the
        seconds spent waiting for jobs."""
        return float(_run([sys.executable, "-c", _SETTLE_CHILD, str(timeout), str(quiet)], self.env).split()[-1])

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) used so far by the server process and its worker processes."""
        if self.process is None:
            return 0.0
        return sum(_cpu_of(pid) for pid in [self.process.pid, *_children(self.process.pid)])

    def connection_split(self) -> list[int]:
        """Return how many of the open connections each server process holds (the kernel spreads them)."""
        if self.process is None:
            return []
        established, listening = tcp_inodes(self.port, ESTABLISHED), tcp_inodes(self.port, LISTENING)
        split = []
        for pid in _children(self.process.pid):
            owned = socket_inodes(pid)
            if owned & listening:
                split.append(len(owned & established))
        return sorted(split, reverse=True)

    def stop(self) -> None:
        """Stop the server (SIGINT, as Ctrl-C does), SIGKILL if it hangs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None

    def log_tail(self, workers: int, chars: int = 1500) -> str:
        """Return the end of the server's log (errors seen during the run, or the profile)."""
        path = self.folder / f"server-{workers}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def _stat(pid: int) -> list[str]:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()  # fields after the command name, which may hold spaces


def _cpu_of(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0  # utime, stime


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """Yield the URL of a database created for this run on the configured server (dropped after), or None."""
    if not os.environ.get(PG_ENV):
        yield None
        return
    admin = make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg")
    admin_url = admin.render_as_string(hide_password=False)
    name = f"tandem_load_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
