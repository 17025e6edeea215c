"""Vendors benchmarks."""
