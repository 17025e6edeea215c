"""Network audits: scan-file parsers, loopback-safe checks and audit checklists."""
