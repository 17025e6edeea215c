"""Reporting: board."""
