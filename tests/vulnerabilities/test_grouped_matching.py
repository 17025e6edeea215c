"""Matches kept per software version (what the store takes) say exactly what the per-item matches say."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from tandem.vulnerabilities.feeds import Matcher, parse_nvd
from tests.vulnerabilities.test_fast_matching import _inventory, _record


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_matches_expand_to_the_per_item_matches(seed: int) -> None:
    rng = random.Random(seed)
    docs = [_record(rng, n) for n in range(150)]
    records = parse_nvd(json.dumps({"vulnerabilities": [{"cve": d} for d in docs]}).encode(), "gen.json")
    items = _inventory(rng, 40)
    # Some items also carry a package URL: those are matched one by one, the rest per version.
    items = [replace(i, purl=f"pkg:pypi/{i.name}@1.2") if n % 7 == 0 else i for n, i in enumerate(items)]
    matcher = Matcher(records)
    per_item = {(m.item.software_id, m.advisory_id): m for m in matcher.match(items)}
    groups = matcher.match_grouped(items)
    expanded = [(items[i].software_id, g.match.advisory_id) for g in groups for i in g.items]
    assert len(expanded) == len(set(expanded)) and set(expanded) == set(per_item)
    assert len(groups) < len(expanded)  # versions are shared: fewer matches than item findings
    for g in groups:
        first = per_item[(items[g.items[0]].software_id, g.match.advisory_id)]
        assert g.match.item == items[g.items[0]]
        assert (g.match.criterion, g.match.range, g.match.platform, g.match.steps, g.match.confidence) == (
            first.criterion, first.range, first.platform, first.steps, first.confidence)  # fmt: skip
