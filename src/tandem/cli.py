"""The `tandem` command: platform commands plus each domain's group."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import click
import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from tandem.domains import CLI_ALIASES, DOMAINS, load_manifest, load_manifests, migration_dirs
from tandem.platform import lazy
from tandem.platform.api import accesslog
from tandem.platform.auth import mfa, service
from tandem.platform.cli import audit, db, jobs, tokens, users
from tandem.platform.cli.context import cli_uow, database
from tandem.platform.cli.output import err_console, say
from tandem.platform.config import describe_invalid, get_settings
from tandem.platform.db import migrate
from tandem.platform.db.auth_check import require_authenticated_link
from tandem.platform.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied, TandemError

app = typer.Typer(
    help="Tandem: one system of record for the CIO and the CISO. One inventory, two lenses.",
    no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False,
)  # fmt: skip
demo_app = typer.Typer(help="The sample organisation, Northwind Health.")
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(audit.app, name="audit")
app.add_typer(jobs.app, name="jobs")
app.add_typer(demo_app, name="demo")
_state = {"debug": False}
EXIT_CODES: dict[type[TandemError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    PermissionDenied: 4,
    NotAuthenticated: 4,
    Conflict: 5,
}


@app.callback()
def root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors")) -> None:
    """Tandem's command line."""
    _state["debug"] = debug


@app.command()
def init(
    username: str = typer.Option("admin", help="User name of the first administrator"),
    org: str = typer.Option("My organisation", "--org", help="Name of the organisation (the root org unit)"),
    email: str = typer.Option("", help="E-mail of the administrator"),
) -> None:
    """Create the organisation and its first administrator; prints a one-time password."""
    migrate.upgrade(database(check_migrations=False).engine)
    with cli_uow() as session:
        if service.all_users(session):
            raise Conflict("Tandem is already initialised (users exist); use `tandem users create`")
        root_unit = service.root_unit(session) or service.create_unit(session, None, org, None)
        user, one_time = service.create_user(session, None, username, email=email)
        service.grant_role(session, None, user.id, "admin", root_unit.id)
        mfa.seed_policy(session)  # TANDEM_MFA_REQUIRED_ROLES becomes the organisation's two-step sign-in policy
    say(f"created organisation {org!r} and administrator {username!r}")
    say(f"one-time password (shown once; you must change it at first sign-in): {one_time}")


@app.command("serve")
def serve_cmd(
    host: str | None = typer.Option(None, help="Address to bind (default TANDEM_HOST)"),
    port: int | None = typer.Option(None, help="Port (default TANDEM_PORT)"),
    worker: bool = typer.Option(True, "--worker/--no-worker", help="Run the job worker in this process"),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Server processes sharing the port (one per CPU core is a good start)"
    ),
) -> None:
    """Serve the web UI and the REST API (Ctrl-C stops the server and its worker)."""
    settings = get_settings()
    require_authenticated_link(database(check_migrations=False), settings)
    database_ = database()
    if database_.is_sqlite and not worker:
        raise Conflict("on SQLite the job worker must run inside the server (one writer process)")
    say(f"Tandem on http://{host or settings.host}:{port or settings.port} ({workers} server process(es))")
    from tandem.app import create_app
    from tandem.platform.cli.serve import serve

    app_ = create_app(settings, database_) if workers == 1 else "tandem.app:create_app"
    serve(app_, database_, settings, host or settings.host, port or settings.port, worker, workers=workers)


@app.command("worker")
def worker_cmd() -> None:
    """Run a job worker process (PostgreSQL); stops cleanly on SIGINT/SIGTERM."""
    from tandem.platform.cli.serve import run_worker

    settings = get_settings()
    require_authenticated_link(database(check_migrations=False), settings)
    run_worker(database(), settings)


@demo_app.callback(invoke_without_command=True)
def demo(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Address to bind (default TANDEM_HOST)"),
    port: int | None = typer.Option(None, help="Port (default TANDEM_PORT)"),
) -> None:
    """Load Northwind Health (if needed) and serve it."""
    if ctx.invoked_subcommand is not None:
        return
    settings = get_settings()
    require_authenticated_link(database(check_migrations=False), settings)
    logins = _load_demo()
    say(f"\nTandem is starting on http://{host or settings.host}:{port or settings.port}  (Ctrl-C stops it)")
    _print_logins(logins)
    database_ = database()
    from tandem.app import create_app
    from tandem.platform.cli.serve import serve

    serve(create_app(settings, database_), database_, settings, host or settings.host, port or settings.port)


@demo_app.command("load")
def demo_load() -> None:
    """Build Northwind Health in the configured database without serving (idempotent)."""
    _print_logins(_load_demo())


def _logins_file() -> Path:
    return get_settings().data_dir / "demo-logins.txt"


def _load_demo() -> list[tuple[str, str, str]]:
    from tandem.demo.org import load

    migrate.upgrade(database(check_migrations=False).engine)
    with cli_uow() as session:
        return load(session, _logins_file())


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    say("Northwind Health demo logins (also in var/demo-logins.txt):")
    for username, role, password in logins:
        say(f"  {username:<12} {role:<17} {password}")


def _with_format_flags(args: list[str]) -> list[str]:
    """Accept `--json` and `--csv` on list commands as short forms of `--format json|csv`."""
    out: list[str] = []
    for arg in args:
        out += ["--format", arg[2:]] if arg in ("--json", "--csv") else [arg]
    return out


# Platform commands that touch no domain code: they start without importing any domain.
PLATFORM_ONLY = {"init", "db", "users", "audit", "tokens", "jobs"}


def _load_for(args: list[str]) -> None:
    """Load what the command needs now; defer the other domains until something asks for them."""
    command = next((arg for arg in args if not arg.startswith("-")), None)
    command = CLI_ALIASES.get(command or "", command)
    if command in DOMAINS:
        manifests = [load_manifest(command)]
    elif command in PLATFORM_ONLY and "--help" not in args:
        manifests = []
    else:
        manifests = load_manifests()
    # Migrations, permissions, jobs and event handlers are all a command needs; navigation, home panels and routers
    # are the web application's (create_app wires them), so the command line never imports FastAPI's routes.
    for path in migration_dirs():
        migrate.register_versions(path)
    for manifest in manifests:
        groups = {manifest.name: manifest.cli, **manifest.cli_aliases} if manifest.cli is not None else {}
        for name, group in groups.items():
            if name not in {g.name for g in app.registered_groups}:
                app.add_typer(group, name=name)
    if len(manifests) < len(DOMAINS):
        lazy.defer(load_manifests)


def main() -> None:
    """Run the CLI: errors end in one clear line and a non-zero exit; --debug shows the traceback."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        message = f"error: invalid setting {describe_invalid(exc)}"
        err_console.print(message, highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    accesslog.configure_logging(settings)
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _load_for(sys.argv[1:])
    debug = "--debug" in sys.argv
    try:
        app(args=_with_format_flags(sys.argv[1:]), standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TandemError as exc:
        if debug:
            traceback.print_exc()
        err_console.print(f"error: {exc.message}", highlight=False, markup=False)
        sys.exit(next((code for cls, code in EXIT_CODES.items() if isinstance(exc, cls)), 1))
    except KeyboardInterrupt:
        sys.exit(130)
    except OperationalError as exc:  # cannot reach or sign in to the database: the server's own words, not SQLAlchemy's
        if debug:
            traceback.print_exc()
        reason = " ".join(str(exc.orig or exc).split())
        err_console.print(f"error: cannot use the database: {reason}", highlight=False, markup=False)
        sys.exit(1)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err_console.print(
            f"error: {type(exc).__name__}: {exc} (run with --debug for details)", highlight=False, markup=False
        )
        sys.exit(1)
