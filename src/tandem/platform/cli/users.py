"""`tandem users`: create, list, disable, enable, grant, reset-password."""

from __future__ import annotations

import typer

from tandem.platform.auth import service, sessions_cli
from tandem.platform.auth.models import OrgUnit, User
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.errors import NotFound

app = typer.Typer(help="Manage who can sign in and what they may do.", no_args_is_help=True)
app.add_typer(sessions_cli.app, name="sessions")


def _user(session: object, username: str) -> User:
    user = service.find_user(session, username)  # type: ignore[arg-type]
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def _unit(session: object, name: str | None) -> OrgUnit:
    if name is None:
        unit = service.root_unit(session)  # type: ignore[arg-type]
        if unit is None:
            raise NotFound("there is no org unit yet; run `tandem init` first")
        return unit
    units = service.units_named(session, name)  # type: ignore[arg-type]
    if len(units) != 1:
        raise NotFound(f"no single org unit named {name!r}" + (" (several match)" if units else ""))
    return units[0]


@app.command()
def create(
    username: str,
    email: str = typer.Option("", help="E-mail address"),
    full_name: str = typer.Option("", "--full-name", help="Display name"),
    role: str | None = typer.Option(None, help="Grant this role at once"),
    unit: str | None = typer.Option(None, help="Org unit for --role (default: the root unit)"),
) -> None:
    """Create a user with a one-time password, printed once."""
    with cli_uow() as session:
        user, one_time = service.create_user(session, None, username, email=email, full_name=full_name)
        if role:
            service.grant_role(session, None, user.id, role, _unit(session, unit).id)
    say(f"created {username}; one-time password (must be changed at first sign-in): {one_time}")


@app.command("list")
def list_users(fmt: Format = format_option()) -> None:
    """List users and their roles."""
    with cli_uow(readonly=True) as session:
        users = service.all_users(session)
        rows = [{
            "username": u.username, "full_name": u.full_name, "email": u.email,
            "active": u.is_active, "roles": ", ".join(f"{g.role}@{g.org_unit.name}" for g in u.grants),
            "last_login_at": u.last_login_at,
        } for u in users]  # fmt: skip
    emit(rows, ["username", "full_name", "email", "active", "roles", "last_login_at"], fmt, "Users")


@app.command()
def disable(username: str) -> None:
    """Disable a user: their sessions and tokens stop working at once."""
    with cli_uow() as session:
        service.set_active(session, None, _user(session, username).id, False)
    say(f"disabled {username}")


@app.command()
def enable(username: str) -> None:
    """Enable a disabled user."""
    with cli_uow() as session:
        service.set_active(session, None, _user(session, username).id, True)
    say(f"enabled {username}")


@app.command()
def grant(
    username: str,
    role: str,
    unit: str | None = typer.Option(None, help="Org unit name (default: the root unit)"),
) -> None:
    """Grant a role on an org unit and its children."""
    with cli_uow() as session:
        target = _unit(session, unit)
        service.grant_role(session, None, _user(session, username).id, role, target.id)
        name = target.name
    say(f"granted {role} on {name} to {username}")


@app.command("reset-password")
def reset_password(username: str) -> None:
    """Give a user a new one-time password."""
    with cli_uow() as session:
        one_time = service.reset_password(session, None, _user(session, username).id)
    say(f"new one-time password for {username}: {one_time}")


@app.command("reset-mfa")
def reset_mfa(username: str) -> None:
    """Remove a user's authenticator and recovery codes (lost device); they enrol again at next sign-in."""
    from tandem.platform.auth import mfa

    with cli_uow() as session:
        mfa.admin_reset(session, None, _user(session, username).id)
    say(f"two-step sign-in reset for {username}; their sessions ended")


@app.command("mfa-policy")
def mfa_policy(
    roles: str | None = typer.Option(None, help="Comma-separated roles that must use MFA ('' = none); omit to show"),
) -> None:
    """Show or set the roles whose members must use two-step sign-in."""
    from tandem.platform.auth import mfa

    with cli_uow(readonly=roles is None) as session:
        current = (
            mfa.set_required_roles(session, roles.split(",")) if roles is not None else mfa.required_roles(session)
        )
    say(f"roles that must use MFA: {', '.join(sorted(current)) or '(none)'}")
