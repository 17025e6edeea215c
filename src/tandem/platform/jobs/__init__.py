"""Background jobs: rows in the database, a registry of handlers, and workers that claim them."""
