"""Consistency rules on application records: flagged with a clear message, never silently accepted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Rule = Callable[[Any], list[tuple[str, str]]]
_extra_rules: list[Rule] = []


def register_application_rule(rule: Rule) -> None:
    """Let a higher domain (e.g. strategy, for 'eliminate' vs an 'invest' initiative) add a rule."""
    if rule not in _extra_rules:
        _extra_rules.append(rule)


def application_findings(app: Any) -> list[tuple[str, str]]:
    """Return (field, message) for every inconsistency of an application (anything with its attributes)."""
    found: list[tuple[str, str]] = []
    disposition, stage = app.time_disposition, app.lifecycle_stage
    if disposition == "eliminate" and app.retire_date is None:
        found.append(("retire_date", "TIME disposition is 'eliminate' but no retire date is planned"))
    if disposition == "invest" and stage == "retire":
        found.append(("time_disposition", "'invest' in an application that is being retired"))
    if stage == "retire" and app.retire_date is None:
        found.append(("retire_date", "lifecycle stage is 'retire' but there is no retire date"))
    if app.run_date and app.retire_date and app.retire_date < app.run_date:
        found.append(("retire_date", "retire date is before the date it went live"))
    if disposition and not (app.time_rationale or "").strip():
        found.append(("time_rationale", f"TIME disposition '{disposition}' has no rationale"))
    sensitive = app.data_classification in ("confidential", "restricted")
    if sensitive and app.internet_exposed and not app.mfa:
        found.append(("mfa", f"{app.data_classification} data is exposed to the internet without MFA"))
    if sensitive and app.confidentiality is not None and app.confidentiality < 3:
        found.append(
            ("confidentiality", f"confidentiality need {app.confidentiality} is low for {app.data_classification} data")
        )
    if app.rto_hours is not None and app.rpo_hours is not None and app.availability == 4 and app.rto_hours > 24:
        found.append(("rto_hours", "availability need is 4 (highest) but RTO is longer than a day"))
    for rule in _extra_rules:
        found.extend(rule(app))
    return found
