"""Inventory benchmarks: bulk CSV imports and list/detail latency at scale."""
