"""Pure training rules: audience matching, quiz grading and phishing metrics (no database, no web)."""
