"""Vulnerability feeds, matching of inventory software against advisories, and prioritisation."""
