"""Compliance: framework library, OSCAL import/export, mappings, controls, assessments and evidence."""
