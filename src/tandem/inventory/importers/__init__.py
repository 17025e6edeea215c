"""Pure parsers for inventory imports: bytes in, rows or located errors out (no database, no web)."""
