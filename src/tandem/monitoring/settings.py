"""Monitoring settings (environment variables TANDEM_MONITORING_*)."""

from tandem.monitoring.ownchecks.settings import OwnCheckSettings, get_owncheck_settings

__all__ = ["OwnCheckSettings", "get_owncheck_settings"]
