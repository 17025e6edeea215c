"""REST plumbing: authentication, declared permissions, transactions, problem responses, paging."""
