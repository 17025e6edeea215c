"""`tandem tokens`: create, list and revoke API tokens."""

from __future__ import annotations

import datetime as dt
import uuid

import typer

from tandem.platform.auth import service, tokens
from tandem.platform.cli.context import cli_uow
from tandem.platform.cli.output import Format, emit, format_option, say
from tandem.platform.db.paging import PageRequest
from tandem.platform.errors import InvalidInput, NotFound

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)


@app.command()
def create(
    user: str = typer.Option(..., "--user", help="Whose token"),
    name: str = typer.Option(..., "--name", help="What the token is for"),
    scope: list[str] = typer.Option(["*:read"], "--scope", help="Repeatable: <domain>:read|write or *:read|*:write"),
    expires_days: int | None = typer.Option(90, "--expires-days", help="Days until it expires; 0 for never"),
) -> None:
    """Create a token; the secret is printed once."""
    expires = None if not expires_days else dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_days)
    with cli_uow() as session:
        owner = service.find_user(session, user)
        if owner is None:
            raise NotFound(f"no user named {user!r}")
        token, secret = tokens.new_token(session, owner, name, scope, expires)
    say(f"token {token.id} for {user} ({', '.join(token.scopes)}): {secret}")


@app.command("list")
def list_tokens(user: str = typer.Option(..., "--user", help="Whose tokens"), fmt: Format = format_option()) -> None:
    """List a user's tokens (never their secrets)."""
    with cli_uow(readonly=True) as session:
        owner = service.find_user(session, user)
        if owner is None:
            raise NotFound(f"no user named {user!r}")
        page = tokens.list_for_user(session, owner.id, PageRequest(limit=500, spec=tokens.TOKEN_LIST))
        fields = ("id", "name", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at")
        rows = [{**{c: getattr(t, c) for c in fields}, "scopes": ", ".join(t.scopes)} for t in page.items]
    emit(
        rows,
        ["id", "name", "prefix", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at"],
        fmt,
        "Tokens",
    )


@app.command()
def revoke(token_id: str) -> None:
    """Revoke a token by id."""
    try:
        ident = uuid.UUID(token_id)
    except ValueError:
        raise InvalidInput.one("token_id", "is not a token id (a UUID)") from None
    with cli_uow() as session:
        tokens.revoke(session, uuid.uuid4(), ident, any_user=True)
    say(f"revoked {token_id}")
