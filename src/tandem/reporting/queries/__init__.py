"""Cross-domain read queries: the only place reporting reads other domains' data (ARCHITECTURE.md §4.3)."""
