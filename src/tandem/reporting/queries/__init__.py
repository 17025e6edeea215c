"""Cross-domain read queries: the only place reporting reads other domains' data (ARCHITECTURE.md §4.3).

One module per topic — portfolio (initiatives, the plan, decisions), inventory (TIME grid, cost by capability,
freshness), risk (posture against tolerance, top scenarios, ALE history), compliance (coverage per framework),
findings (open vulnerabilities, KEV first), access (review progress), incidents (notification clocks), vendors
(risk by tier), people (training and phishing). Each is a plain function `(session, principal) -> dataclass` that
reads through the domain's service or its models scoped by `visible_to`, and returns an empty value (never raises)
when the domain holds nothing or the reader may not see it. `cached` memoises them per session; `metrics` names the
numbers the homes show, for the metrics API, the daily snapshots and the board pack.
"""
