"""Reporting: homes."""
