"""Privacy domain."""
