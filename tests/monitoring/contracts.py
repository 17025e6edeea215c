"""monitoring resources in the generic contract suite: none fit CRUD (findings come from matching/scans;
triage, adopt and dismiss are tested directly in test_service.py)."""

from __future__ import annotations

from tests.contracts.registry import ResourceContract

CONTRACTS: list[ResourceContract] = []
