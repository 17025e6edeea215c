"""API shapes for users, grants, tokens and org units."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class Strict(BaseModel):
    """Unknown fields are errors, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Read(BaseModel):
    """Built from ORM objects."""

    model_config = ConfigDict(from_attributes=True)


class OrgUnitCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    parent_id: uuid.UUID


class OrgUnitUpdate(Strict):
    name: str = Field(min_length=1, max_length=200)


class OrgUnitRead(Read):
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    path: str
    created_at: dt.datetime


class GrantRead(Read):
    id: uuid.UUID
    role: str
    org_unit_id: uuid.UUID


class UserCreate(Strict):
    username: str = Field(min_length=1, max_length=150, pattern=r"^\S+$")
    email: EmailStr | None = None
    full_name: str = Field(default="", max_length=200)


class UserRead(Read):
    id: uuid.UUID
    username: str
    email: str
    full_name: str
    is_active: bool
    must_change_password: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    grants: list[GrantRead]


class UserCreated(UserRead):
    one_time_password: str = Field(description="Shown once; the user must change it at first sign-in.")


class UserActive(Strict):
    is_active: bool


class GrantCreate(Strict):
    role: str = Field(min_length=1, max_length=40)
    org_unit_id: uuid.UUID


class Me(BaseModel):
    id: uuid.UUID
    username: str
    roles: list[GrantRead]
    scopes: list[str] | None


class PasswordChange(Strict):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class TokenCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, max_length=100)
    expires_at: dt.datetime | None = None


class TokenRead(Read):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret, shown once; store it now.")


class SessionRead(Read):
    handle: str = Field(description="Names the session in the list; end it with DELETE …/sessions/{handle}.")
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    ip: str
    user_agent: str
    current: bool = Field(description="Whether this is the session making the request.")


class SessionsEnded(BaseModel):
    ended: int = Field(description="How many sessions were ended.")
