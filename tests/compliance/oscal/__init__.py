"""Tests for the pure OSCAL engine and the shipped framework content."""
