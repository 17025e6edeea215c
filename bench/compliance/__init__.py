"""Compliance benchmarks: framework loading, baseline resolution, assessment instantiation."""
