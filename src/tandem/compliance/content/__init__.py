"""Shipped framework content (NIST, CSF, GDPR, HIPAA, ISO ids) and the non-OSCAL parsers; see data/SOURCES.md."""
