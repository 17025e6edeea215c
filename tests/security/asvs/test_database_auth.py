"""ASVS V13.2.1: the link to the database is authenticated. Before `tandem serve` and `tandem worker` start on
PostgreSQL they prove the server requires a password: a connection with a random wrong password must be refused.
A server that trusts the connection (pg_hba `trust`) stops the start with an explanation, unless
TANDEM_DATABASE_REQUIRE_AUTH=false (then a warning). Shown on the machine's trust server and on a private
scram-sha-256 cluster this module starts."""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from security.serving import wait_until_healthy
from sqlalchemy.engine import make_url

from tandem.platform.config import Settings
from tandem.platform.db.auth_check import probe, require_authenticated_link
from tandem.platform.db.engine import make_engine
from tandem.platform.db.uow import Database
from tandem.platform.errors import Conflict
from tests.support.cli import TANDEM
from tests.support.databases import PG_ENV, drop_database, new_database
from tests.support.live import free_port

STARTUP_S = 180  # `tandem serve` imports every domain; a busy shared machine needs time


def _env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_")}
    env.update(TANDEM_DATA_DIR=str(data_dir), TANDEM_DATABASE_URL=database_url, TANDEM_LOG_LEVEL="WARNING", **extra)
    return env


def _tandem(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TANDEM, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def _serve_until_ready(env: dict[str, str], log: Path) -> str:
    """Start `tandem serve`, wait for /readyz 200, stop it; return what it logged."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [TANDEM, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    try:
        wait_until_healthy(process, f"http://127.0.0.1:{port}", STARTUP_S, log.read_text, "tandem serve", "/readyz")
    finally:
        process.terminate()
        process.wait(timeout=60)
    return log.read_text()


def _assert_clear_refusal(done: subprocess.CompletedProcess[str], target: str) -> None:
    assert done.returncode == 5, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    message = " ".join(done.stderr.split())  # the console wraps long lines
    assert message.startswith("error: the PostgreSQL server lets") and target in message
    for advice in ("trust", "scram-sha-256", "pg_hba.conf", "TANDEM_DATABASE_REQUIRE_AUTH=false"):
        assert advice in message, advice


# --- (a) the machine's test server, which trusts loopback connections -----------------------------------------------


@pytest.fixture(scope="module")
def trusted_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A migrated database on the trust server at TANDEM_TEST_POSTGRES_URL; yields (url, data folder)."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"the trust-server tests need {PG_ENV} (CI sets it; .ci/run starts the server)")
    folder = tmp_path_factory.mktemp("dbauth-trust")
    db, handle = new_database("postgres", folder)
    url = db.engine.url.render_as_string(hide_password=False)
    db.engine.dispose()
    yield url, folder
    drop_database(db, handle)


@pytest.mark.asvs("V13.2.1")
def test_serve_and_worker_refuse_a_server_that_lets_a_wrong_password_in(trusted_database: tuple[str, Path]) -> None:
    url, folder = trusted_database
    target = f"{make_url(url).username}@{make_url(url).host}"
    _assert_clear_refusal(_tandem(_env(folder, url), "serve", "--port", "1"), target)
    _assert_clear_refusal(_tandem(_env(folder, url), "worker"), target)


@pytest.mark.asvs("V13.2.1")
def test_the_override_starts_on_a_trust_server_with_a_warning(trusted_database: tuple[str, Path]) -> None:
    url, folder = trusted_database
    logged = _serve_until_ready(_env(folder, url, TANDEM_DATABASE_REQUIRE_AUTH="false"), folder / "serve.log")
    assert "accepts" in logged and "without a password (trust)" in logged
    assert "TANDEM_DATABASE_REQUIRE_AUTH=false" in logged


# --- (b) a private cluster that requires scram-sha-256 on loopback ---------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """A running private PostgreSQL cluster and the role Tandem logs in as."""

    port: int
    role: str
    password: str
    database: str
    sockets: Path

    def url(self, password: str | None = None) -> str:
        """Return Tandem's database URL, with the role's password unless another is given."""
        secret = self.password if password is None else password
        return f"postgresql://{self.role}:{secret}@127.0.0.1:{self.port}/{self.database}"


def _as_postgres(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) to start a private cluster")
    return Path(found[-1]).parent


def _postgres_account() -> pwd.struct_passwd:
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no `postgres` OS account to run a private cluster under")
    if os.geteuid() not in (0, account.pw_uid):
        pytest.skip("starting a private cluster needs root (runuser) or the postgres account")
    return account


def _os_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def scram_cluster() -> Iterator[Cluster]:
    """Start a throwaway cluster whose only TCP rule is `host all all 127.0.0.1/32 scram-sha-256`."""
    bin_dir, account = _bin_dir(), _postgres_account()
    # Not under pytest's temporary folder: that is private to the test user, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="tandem-pg-"))
    data, sockets, port = root / "data", root / "sockets", free_port()
    pg_ctl = _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data))
    try:
        superuser_password = _init_cluster(bin_dir, account, root)
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run([*pg_ctl, "-l", str(root / "server.log"), "-w", "-t", "60", "-o", options, "start"])
        cluster = Cluster(port, "tandem_app", secrets.token_urlsafe(16), "tandem", sockets)
        admin = f"postgresql://postgres:{superuser_password}@127.0.0.1:{port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {cluster.role} LOGIN PASSWORD '{cluster.password}'")
            conn.execute(f"CREATE DATABASE {cluster.database} OWNER {cluster.role}")
            if _os_user() != "postgres":  # a role named after this OS account, for peer authentication
                conn.execute(f'CREATE ROLE "{_os_user()}" LOGIN')
        yield cluster
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _init_cluster(bin_dir: Path, account: pwd.struct_passwd, root: Path) -> str:
    """Create the cluster's files in root as postgres (scram-sha-256 on loopback, peer on the socket); return the
    superuser's password."""
    for folder in (root, root / "sockets"):
        folder.mkdir(exist_ok=True)
        os.chown(folder, account.pw_uid, account.pw_gid)
    password, pwfile = secrets.token_urlsafe(16), root / "pwfile"
    pwfile.write_text(password + "\n")
    os.chown(pwfile, account.pw_uid, account.pw_gid)
    initdb = [str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "--pwfile", str(pwfile)]
    _run(_as_postgres(*initdb, "--auth-local=peer", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8"))
    (root / "data" / "pg_hba.conf").write_text("local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\n")
    return password


@pytest.mark.asvs("V13.2.1")
def test_the_check_passes_where_the_server_requires_a_password(scram_cluster: Cluster) -> None:
    db = Database(make_engine(scram_cluster.url()))
    try:
        found = require_authenticated_link(db, Settings(database_require_auth=True))
    finally:
        db.engine.dispose()
    assert found.verdict == "password" and found.authenticated
    assert found.target == f"{scram_cluster.role}@127.0.0.1:{scram_cluster.port}/{scram_cluster.database}"
    assert scram_cluster.password not in found.target + found.detail


@pytest.mark.asvs("V13.2.1")
def test_serve_starts_on_a_server_that_requires_a_password(scram_cluster: Cluster, tmp_path: Path) -> None:
    env = _env(tmp_path, scram_cluster.url())
    upgraded = _tandem(env, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    logged = _serve_until_ready(env, tmp_path / "serve.log")
    assert "without a password" not in logged and "Traceback" not in logged


@pytest.mark.asvs("V13.2.1")
def test_a_wrong_password_is_refused_with_a_clear_error(scram_cluster: Cluster, tmp_path: Path) -> None:
    done = _tandem(_env(tmp_path, scram_cluster.url(password="not-the-password")), "serve", "--port", "1")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    message = " ".join(done.stderr.split())
    assert message.startswith("error:")
    assert f'password authentication failed for user "{scram_cluster.role}"' in message
    assert "not-the-password" not in message


@pytest.mark.asvs("V13.2.1")
def test_a_unix_socket_with_peer_authentication_counts_as_authenticated(scram_cluster: Cluster) -> None:
    """Peer authentication ignores the password: the server identified the OS account, which is not `trust`."""
    db = Database(
        make_engine(
            f"postgresql://{_os_user()}@/{scram_cluster.database}"
            f"?host={scram_cluster.sockets}&port={scram_cluster.port}"
        )
    )
    try:
        found = require_authenticated_link(db, Settings(database_require_auth=True))
    finally:
        db.engine.dispose()
    assert found.verdict == "os_identity" and str(scram_cluster.sockets) in found.detail


@pytest.mark.asvs("V13.2.1")
def test_a_server_that_trusts_tcp_is_refused_unless_the_setting_allows_it(tmp_path: Path) -> None:
    """The same decision in-process on the machine's trust server; SQLite has no link to authenticate."""
    if not os.environ.get(PG_ENV):
        pytest.skip(f"the trust-server tests need {PG_ENV}")
    db = Database(make_engine(os.environ[PG_ENV]))
    try:
        assert probe(db).verdict == "none"
        with pytest.raises(Conflict, match=r"lets .* in without checking a password"):
            require_authenticated_link(db, Settings(database_require_auth=True))
        assert require_authenticated_link(db, Settings(database_require_auth=False)).verdict == "none"
    finally:
        db.engine.dispose()
    sqlite = Database(make_engine(f"sqlite:///{tmp_path / 't.db'}"))
    assert probe(sqlite).verdict == "not_applicable"
    sqlite.engine.dispose()


@pytest.mark.asvs("V13.2.1")
def test_an_unreachable_server_is_left_to_the_normal_connection_error(caplog: pytest.LogCaptureFixture) -> None:
    db = Database(make_engine(f"postgresql://tandem:secret@127.0.0.1:{free_port()}/tandem"))
    try:
        found = require_authenticated_link(db, Settings(database_require_auth=True))
    finally:
        db.engine.dispose()
    assert found.verdict == "unknown" and "Connection refused" in found.detail
    assert "could not check that the database" in caplog.text and "secret" not in caplog.text
