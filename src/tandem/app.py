"""Assemble the ASGI app and the CLI from the platform and the domain manifests."""

from __future__ import annotations

from fastapi import FastAPI

import tandem
from tandem.domains import load_manifests
from tandem.platform.api import accesslog, dispatch, export, openapi, problems
from tandem.platform.api.middleware import SecurityMiddleware
from tandem.platform.audit import writer as _audit_writer  # noqa: F401 - installs the audit session hooks
from tandem.platform.config import Settings, get_settings
from tandem.platform.db.migrate import register_versions
from tandem.platform.db.uow import Database, get_database
from tandem.platform.manifest import Manifest
from tandem.platform.web import home, render


def register(manifests: list[Manifest]) -> None:
    """Wire migrations, templates, navigation and home panels of every manifest."""
    for manifest in manifests:
        if manifest.migrations is not None:
            register_versions(manifest.migrations)
        if manifest.templates is not None:
            render.register_templates(manifest.templates)
        render.register_nav(manifest.nav)
        home.register_panels(manifest.home_panels)


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    """Build the web application: REST API under /api/v1, pages elsewhere."""
    settings = settings or get_settings()
    manifests = load_manifests()
    register(manifests)
    app = FastAPI(
        title="Tandem", version=tandem.__version__,
        description="One system of record for the CIO and the CISO: one inventory, two lenses.",
        openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
    )  # fmt: skip
    app.state.settings = settings
    app.state.db = db or get_database(settings)
    app.state.trusted_proxies = {p.strip() for p in settings.trusted_proxies.split(",") if p.strip()}
    problems.install(app)
    openapi.install(app)
    accesslog.install()
    for manifest in manifests:
        for router in manifest.routers():
            app.include_router(router)
    dispatch.index_routes(app)
    export.install(app)  # inside SecurityMiddleware (added after it): exports get the security headers too
    app.add_middleware(SecurityMiddleware, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes)
    return app
