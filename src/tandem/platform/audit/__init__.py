"""The hash-chained audit log: every change, written in the same transaction, verifiable."""
