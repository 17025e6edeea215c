"""Schemathesis against the OpenAPI document of a served demo, with authenticated requests: no server error, no
undocumented status code, no response that breaks its schema. `make test` runs 100 random examples per operation;
`make security` sets TANDEM_FUZZ_EXAMPLES=1000 and adds schemathesis' coverage phase. A request the generator draws
again is sent once more on the write pass and not at all on the read pass (security/st_runner.py)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from security import fuzz_api

EXAMPLES = int(os.environ.get("TANDEM_FUZZ_EXAMPLES", "100"))
# `make test` runs the random examples only; `make security` adds the boundary/negative coverage phase.
PHASES = os.environ.get("TANDEM_FUZZ_PHASES", "fuzzing")
# `make test` draws every example afresh; `make security` also steers toward inputs the API accepts (st_runner.py).
TARGETING = os.environ.get("TANDEM_SECURITY_FULL") == "1"


@pytest.mark.slow
@pytest.mark.fuzz
@pytest.mark.parametrize("part", sorted(fuzz_api.PARTS))
def test_api_survives_fuzzing(part: str, tmp_path: Path) -> None:
    code, tail = fuzz_api.fuzz_part(part, EXAMPLES, tmp_path, PHASES, TARGETING)
    report = (tmp_path / f"fuzz-{part}.xml").read_text()
    assert code == 0, tail
    # The run really exercised its half of the API: one junit case per selected operation, none of them failed.
    assert report.count("<testcase") >= 80, report[:500]
    _, _, methods, _ = fuzz_api.PASSES[fuzz_api.PARTS[part][0]]
    tested = re.findall(r'<testcase[^>]* name="([A-Z]+) ([^"]+)"', report)
    assert {method for method, _ in tested} <= set(methods)  # its own methods only…
    first = re.compile(fuzz_api.FIRST_HALF)
    assert {bool(first.search(path)) for _, path in tested} == {fuzz_api.PARTS[part][1] == 1}  # …and its own half
    assert "<failure" not in report
