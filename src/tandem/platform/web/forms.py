"""Form helpers: read submitted fields, and turn located errors into per-field messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tandem.platform.audit import denials
from tandem.platform.errors import InvalidInput, TandemError


def form_errors(exc: TandemError) -> dict[str, str]:
    """Return {field: message}; errors without a field go under _form."""
    if isinstance(exc, InvalidInput):
        out: dict[str, str] = {}
        for err in exc.errors:
            key = field_of(err.location)
            parts = err.location.split(".")
            index = next((p for p in parts[1:] if p.isdigit()), None)
            reason = f"{err.reason} (item {int(index) + 1})" if index is not None else err.reason
            out[key] = f"{out[key]}; {reason}" if key in out else reason
        return out
    return {"_form": exc.message}


def field_of(location: str) -> str:
    """Return the form field a location names: "body.ip_addresses.0" → "ip_addresses" (empty → _form)."""
    parts = [p for p in location.split(".") if p]
    if parts and parts[0] in ("body", "query", "path", "form"):
        parts = parts[1:]
    return parts[0] if parts else "_form"


async def _form(request: Request) -> FormData:
    return await request.form()


WebForm = Annotated[FormData, Depends(_form)]


def text(form: FormData, name: str, limit: int = 10_000) -> str:
    """Return a text field (never a file), cut to limit characters."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def texts(form: FormData, name: str) -> list[str]:
    """Return every text value of a repeated field."""
    return [v for v in form.getlist(name) if isinstance(v, str)]


def discard(session: Session) -> None:
    """Throw away anything a failed form action flushed, before re-rendering the form."""
    session.rollback()
    denials.record_noted(session)
