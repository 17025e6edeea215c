"""Schemathesis' command line, with `--generation-unique-inputs` letting each distinct request through up to
TANDEM_FUZZ_SENDS times (default 1) instead of once; later copies repeat the recorded outcome, as the flag does.

Why: the generator draws the same request again and again (the same real id, the same body): in the write pass 39 %
of the requests repeated one already sent, and some operations sent one request 78 to 97 times. A read repeated tells
nothing new, so the read pass sends each distinct request once. A write repeated meets a changed state (a second
DELETE must answer 404, a second approval 409), so the write pass sends each twice; a third copy meets the state the
second left and only repeats work.

With TANDEM_FUZZ_TARGETING=0 (`make test`), Hypothesis' target phase is left out as well. Schemathesis reports each
response's success rate to `hypothesis.target()`, and Hypothesis then hill-climbs toward accepted inputs by mutating
the best examples: measured over the write pass, that search (with the Pareto front the example database keeps
for it) was 77 % of the fuzzer's own CPU time. The examples are then all drawn afresh, still 100 per operation;
`make security` keeps the steering.

Usage: python -m security.st_runner <st arguments>   (same as `st`)
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import hypothesis
from schemathesis.cli import schemathesis
from schemathesis.config._projects import ProjectConfig
from schemathesis.core import NOT_SET
from schemathesis.engine.context import EngineContext

SENDS = int(os.environ.get("TANDEM_FUZZ_SENDS", "1"))
TARGETING = os.environ.get("TANDEM_FUZZ_TARGETING", "1") != "0"
_sent: dict[int, int] = {}  # one run per process: request identity (schemathesis' hash of the wire request) → sends
_lock = threading.Lock()
_get, _put = EngineContext.get_cached_outcome, EngineContext.cache_outcome
_settings = ProjectConfig.get_hypothesis_settings


def _get_cached_outcome(self: EngineContext, case: Any) -> Any:
    with _lock:
        if _sent.get(hash(case), 0) < SENDS:
            return NOT_SET  # send it (again)
    return _get(self, case)


def _cache_outcome(self: EngineContext, case: Any, outcome: BaseException | None) -> None:
    key = hash(case)
    with _lock:
        _sent[key] = _sent.get(key, 0) + 1
    _put(self, case, outcome)


def _untargeted_settings(self: ProjectConfig, **kwargs: Any) -> hypothesis.settings:
    settings = _settings(self, **kwargs)
    return hypothesis.settings(settings, phases=[p for p in settings.phases if p is not hypothesis.Phase.target])


def main() -> int:
    """Run `st` with the patched outcome cache (and without the target phase when asked)."""
    EngineContext.get_cached_outcome = _get_cached_outcome  # type: ignore[method-assign]
    EngineContext.cache_outcome = _cache_outcome  # type: ignore[method-assign]
    if not TARGETING:
        ProjectConfig.get_hypothesis_settings = _untargeted_settings  # type: ignore[method-assign]
    sys.argv[0] = "st"
    return int(schemathesis() or 0)


if __name__ == "__main__":
    sys.exit(main())
