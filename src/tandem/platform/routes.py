"""The platform's own manifest: sign-in, account, administration, audit log, jobs, homes, health."""

from __future__ import annotations

from tandem.platform.audit import checks as _audit_checks  # noqa: F401 - registers the control checks
from tandem.platform.audit import jobs as _audit_jobs  # noqa: F401 - registers the audit jobs
from tandem.platform.manifest import Manifest, NavItem

MANIFEST = Manifest(
    name="platform",
    api_routers=[
        "tandem.platform.api.health",
        "tandem.platform.auth.api",
        "tandem.platform.audit.api",
        "tandem.platform.jobs.api",
        "tandem.platform.api.apidocs",
    ],
    web_routers=[
        "tandem.platform.web.static",
        "tandem.platform.web.home",
        "tandem.platform.auth.web",
        "tandem.platform.auth.admin_web",
        "tandem.platform.audit.web",
        "tandem.platform.jobs.web",
    ],
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
