"""Generated documents (PDF reports and exports)."""
