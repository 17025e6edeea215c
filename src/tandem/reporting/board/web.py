"""Web pages of the reporting board (skeleton; filled in by its owner)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
