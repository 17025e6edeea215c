"""Reporting: watch."""
