"""Serve Tandem's static files and Plotly's JavaScript from the installed package (never a CDN)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from tandem.platform.api.deps import requires
from tandem.platform.errors import NotFound

router = APIRouter(include_in_schema=False)
STATIC_DIR = Path(__file__).parent / "static"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
CACHE = "public, max-age=3600"


@lru_cache(maxsize=1)
def _plotly() -> bytes:
    return resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()


@router.get("/static/vendor/plotly.min.js", dependencies=[requires("public")])
def plotly_js() -> Response:
    """Serve the Plotly bundle that ships inside the plotly wheel."""
    return Response(_plotly(), media_type="text/javascript; charset=utf-8", headers={"Cache-Control": CACHE})


@router.get("/favicon.ico", dependencies=[requires("public")])
def favicon() -> Response:
    """Answer the browser's automatic icon request with Tandem's icon."""
    return static_file("favicon.svg")


@router.get("/static/{name}", dependencies=[requires("public")])
def static_file(name: str) -> Response:
    """Serve one of Tandem's own static files (flat folder, no paths)."""
    path = STATIC_DIR / name
    if "/" in name or name.startswith(".") or path.suffix not in TYPES or not path.is_file():
        raise NotFound("no such file")
    return Response(path.read_bytes(), media_type=TYPES[path.suffix], headers={"Cache-Control": CACHE})
