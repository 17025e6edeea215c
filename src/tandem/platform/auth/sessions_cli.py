"""`tandem users sessions`: list a user's live web sessions and end one or all of them (run on the server)."""

from __future__ import annotations

import typer

from tandem.platform.auth import active_sessions, service
from tandem.platform.auth.principal import CONSOLE
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import NotFound

app = typer.Typer(help="List and end users' web sessions.", no_args_is_help=True)


def _user_id(session: object, username: str) -> object:
    user = service.find_user(session, username)  # type: ignore[arg-type]
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user.id


@app.command("list")
def list_sessions(username: str, fmt: Format = format_option()) -> None:
    """List a user's live web sessions, most recently active first."""
    with cli_uow(readonly=True) as session:
        found = active_sessions.list_sessions(session, CONSOLE, _user_id(session, username))  # type: ignore[arg-type]
        rows = [{"handle": s.handle, "created_at": s.created_at, "last_seen_at": s.last_seen_at,
                 "expires_at": s.expires_at, "ip": s.ip, "user_agent": s.user_agent} for s in found]  # fmt: skip
    emit(
        rows, ["handle", "created_at", "last_seen_at", "expires_at", "ip", "user_agent"], fmt, f"Sessions of {username}"
    )


@app.command()
def end(username: str, handle: str) -> None:
    """End one session of a user (its handle is in `tandem users sessions list`)."""
    with cli_uow() as session:
        active_sessions.end_session(session, CONSOLE, handle, _user_id(session, username))  # type: ignore[arg-type]
    say(f"ended session {handle} of {username}")


@app.command("end-all")
def end_all(username: str) -> None:
    """End every web session of a user."""
    with cli_uow() as session:
        ended = active_sessions.end_other_sessions(session, CONSOLE, None, _user_id(session, username))  # type: ignore[arg-type]
    say(f"ended {ended} session(s) of {username}")
