"""The platform's own manifest: sign-in, account, administration, audit log, jobs, homes, health."""

from __future__ import annotations

from tandem.platform.api import apidocs, health
from tandem.platform.audit import api as audit_api
from tandem.platform.audit import checks as _audit_checks  # noqa: F401 - registers the control checks
from tandem.platform.audit import jobs as _audit_jobs  # noqa: F401 - registers the audit jobs
from tandem.platform.audit import web as audit_web
from tandem.platform.auth import admin_web
from tandem.platform.auth import api as auth_api
from tandem.platform.auth import web as auth_web
from tandem.platform.jobs import api as jobs_api
from tandem.platform.jobs import web as jobs_web
from tandem.platform.manifest import Manifest, NavItem
from tandem.platform.web import home, static

MANIFEST = Manifest(
    name="platform",
    api_routers=[health.router, auth_api.router, audit_api.router, jobs_api.router, apidocs.router],
    web_routers=[static.router, home.router, auth_web.router, admin_web.router, audit_web.router, jobs_web.router],
    nav=[
        NavItem("CIO home", "/home/cio", "home.view", "Home"),
        NavItem("CISO home", "/home/ciso", "home.view", "Home"),
        NavItem("Joint view", "/home/joint", "home.view", "Home"),
        NavItem("Jobs", "/jobs", "jobs.view", "System"),
        NavItem("Audit log", "/audit", "audit.view", "System"),
        NavItem("Users", "/admin/users", "users.view", "System"),
        NavItem("Org units", "/admin/org-units", "org.view", "System"),
        NavItem("API reference", "/api/docs", "account.view", "System"),
    ],
)
