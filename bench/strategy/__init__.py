"""Portfolio optimiser benchmark."""
