"""Security reports run by `make security`."""
