"""Reporting: the role homes, the board pack and the regulatory and threat watch, read from every domain."""
