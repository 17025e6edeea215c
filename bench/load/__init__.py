"""Load test on loopback: a realistic read/write mix against the demo organisation (`python -m bench.load.run`)."""
