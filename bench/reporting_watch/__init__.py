"""Benchmark of the watch feed parsers and matcher."""
