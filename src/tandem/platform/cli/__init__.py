"""CLI plumbing: output formats, the error contract, and the platform's own command groups."""
