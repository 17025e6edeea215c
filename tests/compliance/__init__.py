"""Tests for the compliance domain."""
