"""data resources in the generic contract suite: none fit CRUD (scans are started, not edited; their results
come from the scanner); permissions and flows are tested in test_scans.py and test_api.py."""

from __future__ import annotations

from tests.contracts.registry import ResourceContract

CONTRACTS: list[ResourceContract] = []
