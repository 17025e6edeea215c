"""Continuous control monitoring: automated control tests, their runs and evidence, roll-up and drift."""
