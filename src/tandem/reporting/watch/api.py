"""REST API of the reporting watch (skeleton; filled in by its owner)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"])
