"""Sensitive-data discovery, classification and the data catalog."""
