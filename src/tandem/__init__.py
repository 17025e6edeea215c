"""Tandem: one system of record for the CIO and the CISO."""

__version__ = "0.1.0"
