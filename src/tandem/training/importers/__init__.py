"""Pure parsers for training imports: GoPhish CSV/JSON, a generic phishing CSV, LMS completion CSVs and
xAPI statements. Bytes in, rows out, or InvalidInput listing every located problem (no database, no web)."""
